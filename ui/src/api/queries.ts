/** @module Every operation the UI sends, in one place, so the contract with schema.graphql is easy to review. */

const RISK = 'risk { score level factors { code weight explanation } }';
const REASON = 'reasons { code message policyId }';

export const VIEWER = 'query Viewer { viewer { id kind roles tenant platformAdmin agentId } }';

const APPROVAL_FIELDS = `id stepId tool args argsDigest binding ${RISK} policyIds ${REASON} status requestedAt expiresAt canDecide whyNot
  task { id goal agentId submittedBy }`;

export const PENDING_APPROVALS = `query PendingApprovals { pendingApprovals(first: 100) { ${APPROVAL_FIELDS} } }`;

export const APPROVAL_REQUESTS = 'subscription ApprovalRequests { approvalRequests { id } }';

export const DECIDE_APPROVAL = `mutation DecideApproval($input: DecideApprovalInput!) { decideApproval(input: $input) { id status decidedBy } }`;

export const TASKS = `query Tasks($filter: TaskFilter, $first: Int, $after: String) {
  tasks(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id status outcome goal agentId riskLevel createdAt completedAt steps { stepId tool } } }
  }
}`;

export const AGENTS = 'query Agents { agents { id name } }';

export const TASK = `query Task($id: ID!) { task(id: $id) {
  id status outcome goal agentId tenant submittedBy planId planVersion riskLevel ${REASON} createdAt completedAt
  steps { stepId tool args dependsOn state decision ${REASON} determiningPolicies ${RISK}
    approval { id status expiresAt decidedBy } executed result error { code message } }
} }`;

export const CANCEL_TASK = 'mutation CancelTask($id: ID!, $reason: String) { cancelTask(id: $id, reason: $reason) { id status } }';

export const POLICY_SETS = 'query PolicySets { policySets { version tenant description cedar active createdBy createdAt } }';

export const PUBLISH_POLICY_SET = `mutation PublishPolicySet($input: PublishPolicySetInput!) {
  publishPolicySet(input: $input) { version activated errors { message line column policyId } policySet { version active } }
}`;

export const ACTIVATE_POLICY_SET = 'mutation ActivatePolicySet($version: ID!) { activatePolicySet(version: $version) { version active } }';

/** Which optional Query fields this server offers (replay, diff, evidence arrive later). */
export const QUERY_FIELDS = 'query QueryFields { __type(name: "Query") { fields { name } } }';
