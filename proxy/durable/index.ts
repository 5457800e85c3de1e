/**
 * @module Durable mode: each tools/call becomes a caller-executed governed task through the GraphQL
 * API (`submitTask` with `executor: CALLER`, a one-step plan carrying the call and the provenance of
 * its arguments), submitted with the agent's own credential. The API answers once the step is READY
 * (allowed, budget reserved) or refused; while a person decides, `task(id)` is polled and the agent
 * gets progress notifications (when it sent a progressToken). The proxy then calls the upstream and
 * reports the result with `reportToolResult`, which completes the task. Any API failure before the
 * upstream call refuses the call (fail closed); the outcome is also kept in the local audit buffer.
 */
import { createHash } from 'node:crypto';
import { setTimeout as wait } from 'node:timers/promises';
import type { DecisionReason } from '../../governance/types.js';
import type { AuditBuffer } from '../audit/buffer.js';
import { callAuditInput, outcomeAuditInput } from '../enforce/audit-events.js';
import type { CallGovernor, CallOutcome, DecideContext, GovernedCall, Verdict } from '../enforce/types.js';
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
  /** When each allowed call was handed to the upstream, for the usage reported with its result. */
  const started = new Map<string, number>();
  const reporting = new Set<Promise<void>>();

  /** Report a result to the API, retrying a few times; a report that never lands is recorded locally. */
  async function report(call: GovernedCall, verdict: Verdict, input: Record<string, unknown>): Promise<void> {
    let last: unknown;
    for (let attempt = 0; attempt < REPORT_ATTEMPTS; attempt++) {
      try {
        await post(call.token, DURABLE_QUERIES.report, { input });
        return;
      } catch (e) {
        last = e;
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
    // why: the task will fail in the API for want of a result, while the buffer (shipped later) holds what the upstream did.
    await opts.audit.append({ ...outcomeAuditInput(call, verdict, { ok: false, error: { code: 'REPORT_FAILED', message: `the result could not be reported to the API: ${(last as Error).message}` } }, now()), type: 'proxy.report_failed' }).catch(() => undefined);
  }

  return {
    mode: 'durable',
    async decide(call, ctx) {
      let verdict: Verdict;
      try {
        verdict = await decideRemotely(call, ctx, post, opts);
        if (verdict.decision === 'ALLOW') started.set(call.callId, Date.now());
      } catch (e) {
        verdict = { decision: 'DENY', code: 'EVALUATION_FAILED', reasons: [{ code: 'EVALUATION_FAILED', message: `the API could not decide the call: ${(e as Error).message}` }] };
      }
      // why it waits for the flush even for an allowed call: a decision that cannot be made durable
      // must stop the call before the upstream acts (fail closed); one flush is small beside the task.
      await opts.audit.append(callAuditInput(call, verdict, now()));
      return verdict;
    },
    async recordOutcome(call, verdict, outcome) {
      await opts.audit.append(outcomeAuditInput(call, verdict, outcome, now()));
      if (!verdict.taskId) return;
      const input = reportOf(verdict.taskId, call.callId, outcome, Date.now() - (started.get(call.callId) ?? Date.now()));
      started.delete(call.callId);
      // why in the background: the agent has its result once the upstream answered and the local
      // record is written; the API learns it a moment later (retried), and the task completes then.
      const job = report(call, verdict, input).finally(() => reporting.delete(job));
      reporting.add(job);
    },
    async drain() {
      await Promise.allSettled([...reporting]);
    },
  };
}

/** One GraphQL request; `signal` (the MCP call's cancellation) ends it, and any wait for a rate limit, early. */
type Post = (token: string, query: string, variables: Record<string, unknown>, signal?: AbortSignal) => Promise<Record<string, unknown>>;

async function decideRemotely(call: GovernedCall, ctx: DecideContext, post: Post, opts: DurableOptions): Promise<Verdict> {
  const input = { goal: `MCP tools/call \`${call.tool.name}\` on \`${call.server}\``, format: 'NATIVE', plan: planOf(call), executor: 'CALLER', idempotencyKey: `proxy:${call.callId}` };
  const submitted = (await post(call.token, DURABLE_QUERIES.submit, { input }, ctx.signal)).submitTask as TaskView;
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
    task = (await post(call.token, DURABLE_QUERIES.task, { id: task.id }, ctx.signal)).task as TaskView;
    if (!task) throw new Error('the task disappeared');
  }
}

/** The call as a one-step native plan; arguments derived from earlier outputs of the session carry that provenance. */
function planOf(call: GovernedCall): Record<string, unknown> {
  const provenance: Record<string, { source: string; trust: 'untrusted'; derivedFrom: string[] }> = {};
  for (const [arg, sources] of Object.entries(call.derivedFrom)) {
    if (sources.length > 0) provenance[arg] = { source: sources[0]!, trust: 'untrusted', derivedFrom: [] };
  }
  return { steps: [{ stepId: call.callId, tool: call.tool.name, args: call.args, provenance }] };
}

/** What `reportToolResult` is told: the upstream's result (or error) and the time it took. */
function reportOf(taskId: string, stepId: string, outcome: CallOutcome, wallTimeMs: number): Record<string, unknown> {
  const usage = { wallTimeMs: Math.max(0, Math.round(wallTimeMs)) };
  if (!outcome.ok) return { taskId, stepId, ok: false, error: { code: 'UPSTREAM_ERROR', message: outcome.error.message.slice(0, 2000) || 'the upstream failed' }, usage };
  const bytes = Buffer.byteLength(JSON.stringify(outcome.result ?? null), 'utf8');
  // why a summary for large results: the API keeps at most 1 MiB per result; the digest still binds it.
  const result = bytes <= REPORT_LIMIT_BYTES ? outcome.result ?? null : { truncated: true, bytes, sha256: createHash('sha256').update(JSON.stringify(outcome.result)).digest('hex') };
  return { taskId, stepId, ok: true, result, usage };
}

const REPORT_LIMIT_BYTES = 1024 * 1024 - 1024;
const REPORT_ATTEMPTS = 4;

/** The verdict a task view already implies, or undefined while it is still being decided. */
export function verdictOf(task: TaskView): Verdict | undefined {
  const step: StepView | undefined = task.steps[0];
  const reasons = (step?.reasons ?? task.reasons ?? []) as DecisionReason[];
  if (step?.state === 'READY') return { decision: 'ALLOW' };
  if (step?.decision === 'DENY' || step?.state === 'DENIED') {
    const status = step.approval?.status;
    if (status && status !== 'PENDING' && status !== 'APPROVED') return { decision: 'DENY', code: 'APPROVAL_DENIED', reasons: [...reasons.filter((r) => r.code.startsWith('APPROVAL')), ...(reasons.some((r) => r.code.startsWith('APPROVAL')) ? [] : [{ code: `APPROVAL_${status}`, message: `the approval was ${status.toLowerCase()}` }])] };
    return { decision: 'DENY', code: reasons.some((r) => r.code.startsWith('BUDGET')) ? 'BUDGET_EXCEEDED' : 'POLICY_DENIED', reasons };
  }
  if (step && ['SKIPPED', 'FAILED', 'CANCELLED'].includes(step.state)) {
    return { decision: 'DENY', code: 'EVALUATION_FAILED', reasons: reasons.length > 0 ? reasons : [{ code: `STEP_${step.state}`, message: `the step ended ${step.state.toLowerCase()} before it could run` }] };
  }
  if (['FAILED', 'CANCELLED', 'BLOCKED', 'COMPLETED', 'PARTIALLY_BLOCKED'].includes(task.status)) {
    return { decision: 'DENY', code: 'EVALUATION_FAILED', reasons: reasons.length > 0 ? reasons : [{ code: `TASK_${task.status}`, message: `the task ended ${task.status.toLowerCase()} before the step was ready` }] };
  }
  return undefined;
}

type GraphqlAnswer = { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions?: { code?: string; retryAfterMs?: number } }> };

function graphqlClient(api: string, f: typeof fetch): Post {
  return async (token, query, variables, signal) => {
    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(15_000);
      const res = await f(api, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const json = (await res.json().catch(() => ({}))) as GraphqlAnswer;
      // why retry: the agent's credential is past its API rate limit for a moment; the request did nothing, and
      // a submit carries its idempotency key, so asking again after the wait the API names is safe
      const limited = json.errors?.find((e) => e.extensions?.code === 'RATE_LIMITED');
      if (limited && attempt < RATE_LIMIT_RETRIES) {
        // why the jitter: calls refused together should not all ask again at the same instant
        const ms = Math.min(MAX_RATE_LIMIT_WAIT_MS, Math.max(50, limited.extensions?.retryAfterMs ?? 1000)) * (1 + Math.random() * 0.2);
        await (signal ? sleep(ms, signal) : wait(ms));
        continue;
      }
      if (json.errors?.length) throw new Error(json.errors.map((e) => e.message).join('; '));
      if (!res.ok || !json.data) throw new Error(`the API answered HTTP ${res.status}`);
      return json.data;
    }
  };
}

const RATE_LIMIT_RETRIES = 3;
const MAX_RATE_LIMIT_WAIT_MS = 5_000;

/** Wait `ms`, or reject when `signal` aborts first (Node's timer removes its abort listener when the wait ends). */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await wait(ms, undefined, { signal });
  } catch {
    throw new Error('the call was cancelled');
  }
}
