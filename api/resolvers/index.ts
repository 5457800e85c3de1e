/** @module The resolver map for schema.graphql: one file per root field, object resolvers in objects.ts. */
import { DateTimeScalar, JSONScalar } from '../schema/scalars.js';
import { activatePolicySet } from './Mutation/activatePolicySet.js';
import { cancelTask } from './Mutation/cancelTask.js';
import { decideApproval } from './Mutation/decideApproval.js';
import { issueAgentCredential } from './Mutation/issueAgentCredential.js';
import { issueApiKey } from './Mutation/issueApiKey.js';
import { publishPolicySet } from './Mutation/publishPolicySet.js';
import { registerAgent } from './Mutation/registerAgent.js';
import { registerTool } from './Mutation/registerTool.js';
import { revokeApiKey } from './Mutation/revokeApiKey.js';
import { revokeCredential } from './Mutation/revokeCredential.js';
import { setBudget } from './Mutation/setBudget.js';
import { submitTask } from './Mutation/submitTask.js';
import { Approval, Replay, Task } from './objects.js';
import { activePolicySet } from './Query/activePolicySet.js';
import { agents } from './Query/agents.js';
import { approval } from './Query/approval.js';
import { auditEvents } from './Query/auditEvents.js';
import { budgets } from './Query/budgets.js';
import { pendingApprovals } from './Query/pendingApprovals.js';
import { replay } from './Query/replay.js';
import { policySets } from './Query/policySets.js';
import { task } from './Query/task.js';
import { tasks } from './Query/tasks.js';
import { tools } from './Query/tools.js';
import { verifyAuditChain } from './Query/verifyAuditChain.js';
import { viewer } from './Query/viewer.js';
import { approvalRequests } from './Subscription/approvalRequests.js';
import { taskEvents } from './Subscription/taskEvents.js';

export const resolvers = {
  JSON: JSONScalar,
  DateTime: DateTimeScalar,
  Query: { viewer, task, tasks, pendingApprovals, approval, agents, tools, policySets, activePolicySet, budgets, auditEvents, verifyAuditChain, replay },
  Mutation: {
    submitTask,
    decideApproval,
    cancelTask,
    registerAgent,
    issueAgentCredential,
    revokeCredential,
    issueApiKey,
    revokeApiKey,
    registerTool,
    publishPolicySet,
    activatePolicySet,
    setBudget,
  },
  Subscription: { taskEvents, approvalRequests },
  Task,
  Approval,
  Replay,
};
