/** @module The resolver map for schema.graphql: one file per root field, object resolvers in objects.ts. */
import { DateTimeScalar, JSONScalar } from '../schema/scalars.js';
import { activatePolicySet } from './Mutation/activatePolicySet.js';
import { cancelTask } from './Mutation/cancelTask.js';
import { decideApproval } from './Mutation/decideApproval.js';
import { exportEvidence } from './Mutation/exportEvidence.js';
import { exportTenantEvidence } from './Mutation/exportTenantEvidence.js';
import { ingestAuditEvents } from './Mutation/ingestAuditEvents.js';
import { issueAgentCredential } from './Mutation/issueAgentCredential.js';
import { issueApiKey } from './Mutation/issueApiKey.js';
import { publishPolicySet } from './Mutation/publishPolicySet.js';
import { registerAgent } from './Mutation/registerAgent.js';
import { registerTool } from './Mutation/registerTool.js';
import { reportToolResult } from './Mutation/reportToolResult.js';
import { revokeApiKey } from './Mutation/revokeApiKey.js';
import { revokeCredential } from './Mutation/revokeCredential.js';
import { setBudget } from './Mutation/setBudget.js';
import { submitTask } from './Mutation/submitTask.js';
import { verifyEvidence } from './Mutation/verifyEvidence.js';
import { Approval, Replay, Task } from './objects.js';
import { activePolicySet } from './Query/activePolicySet.js';
import { agents } from './Query/agents.js';
import { approval } from './Query/approval.js';
import { auditEvents } from './Query/auditEvents.js';
import { budgets } from './Query/budgets.js';
import { determinismCheck } from './Query/determinismCheck.js';
import { evidencePublicKeys } from './Query/evidencePublicKeys.js';
import { pendingApprovals } from './Query/pendingApprovals.js';
import { replay } from './Query/replay.js';
import { policyDriftReport } from './Query/policyDriftReport.js';
import { policySets } from './Query/policySets.js';
import { replayDiff } from './Query/replayDiff.js';
import { task } from './Query/task.js';
import { tasks } from './Query/tasks.js';
import { tools } from './Query/tools.js';
import { verifyAuditChain } from './Query/verifyAuditChain.js';
import { viewer } from './Query/viewer.js';
import { whatIf } from './Query/whatIf.js';
import { approvalRequests } from './Subscription/approvalRequests.js';
import { taskChanges } from './Subscription/taskChanges.js';
import { taskEvents } from './Subscription/taskEvents.js';

export const resolvers = {
  JSON: JSONScalar,
  DateTime: DateTimeScalar,
  Query: {
    viewer, task, tasks, pendingApprovals, approval, agents, tools, policySets, activePolicySet, budgets, auditEvents, verifyAuditChain, replay,
    replayDiff, whatIf, policyDriftReport, determinismCheck, evidencePublicKeys,
  },
  Mutation: {
    submitTask,
    decideApproval,
    cancelTask,
    reportToolResult,
    ingestAuditEvents,
    registerAgent,
    issueAgentCredential,
    revokeCredential,
    issueApiKey,
    revokeApiKey,
    registerTool,
    publishPolicySet,
    activatePolicySet,
    setBudget,
    exportEvidence,
    exportTenantEvidence,
    verifyEvidence,
  },
  Subscription: { taskEvents, approvalRequests, taskChanges },
  Task,
  Approval,
  Replay,
};
