/** @module The GraphQL documents durable mode sends, and the slice of `Task` it reads back. */

const TASK_FIELDS = `id status reasons { code message policyId retryAt }
  steps { stepId state decision reasons { code message policyId retryAt } approval { id status expiresAt } }`;

export const DURABLE_QUERIES = {
  submit: `mutation ProxySubmit($input: SubmitTaskInput!) { submitTask(input: $input) { ${TASK_FIELDS} } }`,
  task: `query ProxyTask($id: ID!) { task(id: $id) { ${TASK_FIELDS} } }`,
  report: `mutation ProxyReport($input: ReportToolResultInput!) { reportToolResult(input: $input) { id status } }`,
} as const;

export interface StepView {
  stepId: string;
  state: string;
  decision: 'ALLOW' | 'DENY' | 'REQUIRE_APPROVAL' | null;
  reasons: Array<{ code: string; message: string; policyId?: string | null; retryAt?: string | null }>;
  approval: { id: string; status: string; expiresAt: string } | null;
}

export interface TaskView {
  id: string;
  status: string;
  reasons?: Array<{ code: string; message: string; policyId?: string | null; retryAt?: string | null }>;
  steps: StepView[];
}
