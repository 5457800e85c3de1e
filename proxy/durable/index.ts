/**
 * @module Durable mode: each tools/call becomes a governed task through the GraphQL API
 * (`submitTask` with format MCP and the tools/call request as the plan), submitted with the agent's
 * own credential, then `task(id)` is polled until the step is decided. While a person decides, the
 * agent gets progress notifications (when it sent a progressToken). On ALLOW or approval the proxy
 * calls the upstream itself; the API has no mutation to record a result yet, so the outcome goes to
 * the local audit buffer with the task id. Any API failure refuses the call (fail closed).
 */
import type { DecisionReason } from '../../governance/types.js';
import type { AuditBuffer } from '../audit/buffer.js';
import { callAuditInput, outcomeAuditInput } from '../enforce/audit-events.js';
import type { CallGovernor, DecideContext, GovernedCall, Verdict } from '../enforce/types.js';
import { DURABLE_QUERIES, type TaskView, type StepView } from './queries.js';

export interface DurableOptions {
  /** GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  api: string;
  audit: AuditBuffer;
  pollMs?: number;
  /** Longest wait for a decision, approvals included, before the call is refused. */
  decisionTimeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => Date;
}

export function createDurableGovernor(opts: DurableOptions): CallGovernor {
  const now = opts.now ?? (() => new Date());
  const post = graphqlClient(opts.api, opts.fetch ?? fetch);
  return {
    mode: 'durable',
    async decide(call, ctx) {
      let verdict: Verdict;
      try {
        verdict = await decideRemotely(call, ctx, post, opts);
      } catch (e) {
        verdict = { decision: 'DENY', code: 'EVALUATION_FAILED', reasons: [{ code: 'EVALUATION_FAILED', message: `the API could not decide the call: ${(e as Error).message}` }] };
      }
      await opts.audit.append(callAuditInput(call, verdict, now()));
      return verdict;
    },
    async recordOutcome(call, verdict, outcome) {
      await opts.audit.append(outcomeAuditInput(call, verdict, outcome, now()));
    },
  };
}

type Post = (token: string, query: string, variables: Record<string, unknown>) => Promise<Record<string, unknown>>;

async function decideRemotely(call: GovernedCall, ctx: DecideContext, post: Post, opts: DurableOptions): Promise<Verdict> {
  const plan = { jsonrpc: '2.0', id: call.callId, method: 'tools/call', params: { name: call.tool.name, arguments: call.args } };
  const input = { goal: `MCP tools/call \`${call.tool.name}\` on \`${call.server}\``, format: 'MCP', plan, idempotencyKey: `proxy:${call.callId}` };
  const submitted = (await post(call.token, DURABLE_QUERIES.submit, { input })).submitTask as TaskView;
  const deadline = Date.now() + (opts.decisionTimeoutMs ?? 24 * 3600_000);
  let task = submitted;
  let told = false;
  for (;;) {
    const v = verdictOf(task);
    if (v) return { ...v, taskId: task.id };
    if (!told && task.status === 'AWAITING_APPROVAL' && ctx.progress) {
      told = true;
      await ctx.progress('waiting for a person to approve the call').catch(() => undefined);
    }
    if (Date.now() > deadline) return { decision: 'DENY', code: 'EVALUATION_FAILED', reasons: [{ code: 'DECISION_TIMEOUT', message: 'no decision arrived in time' }], taskId: task.id };
    await sleep(opts.pollMs ?? 250, ctx.signal);
    task = (await post(call.token, DURABLE_QUERIES.task, { id: task.id })).task as TaskView;
    if (!task) throw new Error('the task disappeared');
  }
}

/** The verdict a task view already implies, or undefined while it is still being decided. */
export function verdictOf(task: TaskView): Verdict | undefined {
  const step: StepView | undefined = task.steps[0];
  const reasons = (step?.reasons ?? task.reasons ?? []) as DecisionReason[];
  if (step?.decision === 'ALLOW') return { decision: 'ALLOW' };
  if (step?.decision === 'DENY') return { decision: 'DENY', code: 'POLICY_DENIED', reasons };
  if (step?.decision === 'REQUIRE_APPROVAL') {
    const status = step.approval?.status;
    if (status === 'APPROVED') return { decision: 'ALLOW' };
    if (status && status !== 'PENDING') return { decision: 'DENY', code: 'APPROVAL_DENIED', reasons: [...reasons, { code: `APPROVAL_${status}`, message: `the approval was ${status.toLowerCase()}` }] };
    return undefined;
  }
  if (['FAILED', 'CANCELLED', 'BLOCKED'].includes(task.status)) {
    return { decision: 'DENY', code: 'EVALUATION_FAILED', reasons: reasons.length > 0 ? reasons : [{ code: `TASK_${task.status}`, message: `the task ended ${task.status.toLowerCase()} before the step was decided` }] };
  }
  return undefined;
}

function graphqlClient(api: string, f: typeof fetch): Post {
  return async (token, query, variables) => {
    const res = await f(api, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(15_000),
    });
    const json = (await res.json().catch(() => ({}))) as { data?: Record<string, unknown>; errors?: Array<{ message: string }> };
    if (json.errors?.length) throw new Error(json.errors.map((e) => e.message).join('; '));
    if (!res.ok || !json.data) throw new Error(`the API answered HTTP ${res.status}`);
    return json.data;
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('the call was cancelled'));
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Error('the call was cancelled'));
    }, { once: true });
  });
}
