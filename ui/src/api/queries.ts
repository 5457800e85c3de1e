/** @module Every operation the UI sends, in one place, so the contract with schema.graphql is easy to review. */

const RISK = 'risk { score level factors { code weight explanation } }';
const REASON = 'reasons { code message policyId }';

export const VIEWER = 'query Viewer { viewer { id kind roles tenant platformAdmin agentId } }';

const APPROVAL_FIELDS = `id tenant stepId tool args argsDigest binding ${RISK} policyIds ${REASON} status requestedAt expiresAt canDecide whyNot
  task { id goal agentId submittedBy }`;

export const PENDING_APPROVALS = `query PendingApprovals { pendingApprovals(first: 100) { ${APPROVAL_FIELDS} } }`;

export const APPROVAL = `query Approval($id: ID!) { approval(id: $id) { ${APPROVAL_FIELDS} } }`;

export const APPROVAL_REQUESTS = 'subscription ApprovalRequests { approvalRequests { id } }';
export const TASK_CHANGES = 'subscription TaskChanges($tenant: String) { taskChanges(tenant: $tenant) { taskId status } }';

export const DECIDE_APPROVAL = `mutation DecideApproval($input: DecideApprovalInput!) { decideApproval(input: $input) { id status decidedBy } }`;

export const TASKS = `query Tasks($filter: TaskFilter, $first: Int, $after: String) {
  tasks(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id status outcome goal agentId tenant riskLevel createdAt completedAt steps { stepId tool } } }
  }
}`;

export const AGENTS = 'query Agents { agents { id name } }';

export const TASK = `query Task($id: ID!) { task(id: $id) {
  id status outcome goal agentId tenant submittedBy planId planVersion riskLevel ${REASON} createdAt completedAt
  steps { stepId tool args dependsOn state decision ${REASON} determiningPolicies ${RISK}
    approval { id status expiresAt decidedBy } executed result error { code message } }
  budget { id scope scopeId metric window limit usage { windowKey subject used reserved } }
} }`;

/** Changes of one task; the page reloads on each (polling stays as the fallback when the stream drops). */
export const TASK_EVENTS = 'subscription TaskEvents($taskId: ID!) { taskEvents(taskId: $taskId) { taskId status changedSteps } }';

/** Earlier calls of one tool, to set a held call's arguments against (newest first). */
export const SIMILAR_CALLS = `query SimilarCalls($filter: TaskFilter, $first: Int) {
  tasks(filter: $filter, first: $first) { edges { node { id createdAt steps { stepId tool args } } } }
}`;

export const REPLAY = 'query Replay($taskId: ID!) { replay(taskId: $taskId) { taskId historyDigest summary timeline graph(format: JSON) } }';

export const DETERMINISM_CHECK = 'query DeterminismCheck($taskId: ID!) { determinismCheck(taskId: $taskId) { taskId deterministic drift } }';

export const REPLAY_DIFF = `query ReplayDiff($left: ID!, $right: ID!) { replayDiff(left: $left, right: $right) { left right summary diff markdown } }`;

export const WHAT_IF = `query WhatIf($taskId: ID!, $policySetId: ID, $cedar: String) {
  whatIf(taskId: $taskId, policySetId: $policySetId, cedar: $cedar) { taskId policy changed diff markdown steps }
}`;

export const POLICY_DRIFT = `query PolicyDrift($input: PolicyDriftInput!) {
  policyDriftReport(input: $input) { tasksEvaluated decisionsEvaluated changed groups report }
}`;

export const EXPORT_EVIDENCE = `mutation ExportEvidence($taskId: ID!) {
  exportEvidence(taskId: $taskId) { taskId bundle digest signature keyId summaryMarkdown }
}`;

export const VERIFY_EVIDENCE = `mutation VerifyEvidence($bundle: String!) {
  verifyEvidence(bundle: $bundle) { valid keyId failures { code part eventIndex message } }
}`;

/** Recent tasks to pick from (Compare, Evidence). */
export const RECENT_TASKS = `query RecentTasks($filter: TaskFilter, $first: Int) {
  tasks(filter: $filter, first: $first) { edges { node { id goal status createdAt tenant } } }
}`;

export const CANCEL_TASK = 'mutation CancelTask($id: ID!, $reason: String) { cancelTask(id: $id, reason: $reason) { id status } }';

export const POLICY_SETS = 'query PolicySets { policySets { version tenant description cedar active createdBy createdAt } }';

export const PUBLISH_POLICY_SET = `mutation PublishPolicySet($input: PublishPolicySetInput!) {
  publishPolicySet(input: $input) { version activated errors { message line column policyId } policySet { version active } }
}`;

export const ACTIVATE_POLICY_SET = 'mutation ActivatePolicySet($version: ID!, $tenant: String) { activatePolicySet(version: $version, tenant: $tenant) { version active } }';

/** Tenants the platform administrator can pick from: every tenant with a policy set or a recent task. */
export const KNOWN_TENANTS = 'query KnownTenants { policySets { tenant } tasks(first: 100) { edges { node { tenant } } } }';

/** Which forensics fields this server offers (servers older than the UI may lack some). */
export const ROOT_FIELDS = 'query RootFields { query: __type(name: "Query") { fields { name } } mutation: __type(name: "Mutation") { fields { name } } }';
