/**
 * @module Tasks: submit (validate at the edge, record, start the governed workflow, wait briefly for
 * first decisions), read (rows merged with the live workflow view), list (keyset pages) and cancel.
 */
import { randomUUID } from 'node:crypto';
import { extractPlan } from '../../governance/plan/index.js';
import type { ExecutionPlan } from '../../governance/types.js';
import { digestJson, sha256Hex } from '../../lib/canonical-json.js';
import { InterceptorError, isInterceptorError } from '../../lib/errors.js';
import type { CredentialRef, GovernedTaskInput, TaskView } from '../../workflows/contract.js';
import { canReadTask, hasRole, notFound, readTenant, requireRole, requireViewer, type Viewer } from '../access.js';
import type { SubmitTaskInput } from '../inputs.js';
import type { TaskModel } from '../schema/models.js';
import { recordAudit, type ServiceDeps } from './deps.js';
import type { TaskRow } from './store.js';
import { modelActionable, modelDecided, toTaskModel } from './task-view.js';
import type { TaskService } from './types.js';

/** How often a submit waiting for decisions looks at the database without being poked. */
const FALLBACK_LOOK_MS = 100;
const SLOW_LOOK_MS = 800;

/** The source handed to the workflow: exactly what the agent sent, with the format it declared. */
function sourceOf(input: SubmitTaskInput): GovernedTaskInput['source'] {
  if (input.plan !== undefined && input.plan !== null) return { format: input.format ?? 'native', payload: input.plan };
  return { format: input.format ?? 'text', payload: input.rawAgentOutput };
}

/** Task ids are random, or derived from an idempotency key scoped to the agent (never guessable across agents). */
export function taskIdFor(v: Pick<Viewer, 'tenant' | 'agentId'>, key: string | null | undefined): string {
  if (!key) return `task_${randomUUID()}`;
  return `task_${sha256Hex(`${v.tenant}\u0000${v.agentId}\u0000${key}`).slice(0, 32)}`;
}

/** Pre-validate the plan; issue paths are rebased onto the argument that carried it (`input.plan.steps[1].tool`). */
function extractOrExplain(input: SubmitTaskInput): ExecutionPlan {
  try {
    return extractPlan({ ...sourceOf(input), goal: input.goal });
  } catch (e) {
    if (!isInterceptorError(e) || e.code !== 'BAD_USER_INPUT') throw e;
    const base = input.plan !== undefined && input.plan !== null ? 'input.plan' : 'input.rawAgentOutput';
    const rebase = (path: string) => (path === '(root)' ? base : /^[\d]+:[\d]+$/.test(path) ? `${base}@${path}` : path.startsWith('[') ? `${base}${path}` : `${base}.${path}`);
    throw new InterceptorError('BAD_USER_INPUT', e.message, { issues: e.issues.map((i) => ({ path: rebase(i.path), message: i.message })), details: e.details });
  }
}

function credentialRef(v: Viewer): CredentialRef {
  const a = v.agent!;
  return { id: a.credentialId, keyId: a.keyId, capabilities: a.capabilities, actingFor: a.actingFor, expiresAt: a.expiresAt };
}

export function createTaskService(deps: ServiceDeps): TaskService {
  const { store, workflows } = deps;

  async function liveView(taskId: string, timeoutMs: number): Promise<TaskView | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((r) => {
      timer = setTimeout(() => r(null), timeoutMs);
    });
    try {
      // why: a query needs a worker; without one it must not hold a request open.
      return await Promise.race([workflows.status(taskId).catch(() => null), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The task from its rows, which the activities keep current (decisions, recorded steps, approvals,
   * outcome). `live`: also ask the running workflow for its view - a round trip through Temporal and
   * the worker, so only where the rows cannot answer (a submit that waited in vain).
   */
  async function load(tenant: string, taskId: string, live = false): Promise<TaskModel | null> {
    const rows = await store.getTaskRows(store.pool, tenant, taskId);
    return rows ? modelOf(rows, live) : null;
  }

  async function modelOf(rows: NonNullable<Awaited<ReturnType<typeof store.getTaskRows>>>, live: boolean): Promise<TaskModel> {
    const view = rows.row.status === 'DONE' || !live ? null : await liveView(rows.row.id, 1000);
    return toTaskModel(rows.row, rows.steps, rows.approvals, view);
  }

  /**
   * Wait until a new task is as far as the submitter asked (`wait`): every step decided or settled
   * (up to submitWaitMs), or the task ended (up to outcomeWaitMs). Either way it stops at a step
   * awaiting a person, and a caller-executed task stops once the caller has something to run. The
   * activities record each decision in the database and, in this process, poke the task's topic; a
   * worker in another process is seen by looking again every FALLBACK_LOOK_MS (backing off to
   * SLOW_LOOK_MS while waiting for an outcome, which may take the whole 10 s). A workflow query is
   * the last resort.
   */
  async function waitForSubmitted(tenant: string, taskId: string, input: Pick<SubmitTaskInput, 'executor' | 'wait'>, firstLook: Promise<void>): Promise<TaskModel | null> {
    const untilOutcome = input.wait === 'outcome' && input.executor !== 'caller';
    const deadline = Date.now() + (untilOutcome ? deps.config.outcomeWaitMs : deps.config.submitWaitMs);
    const topic = `task:${taskId}`;
    // why no predicate for the outcome: a task that has ended (or awaits a person) is no longer RUNNING
    const settled = input.executor === 'caller' ? modelActionable : untilOutcome ? () => false : modelDecided;
    // why: a workflow that has just started has decided nothing yet; the first read waits for its first record
    await firstLook;
    let lookMs = FALLBACK_LOOK_MS;
    for (;;) {
      // why subscribe before reading: a poke between the read and the wait must not be missed.
      const poked = deps.feed.next(topic, Math.min(lookMs, Math.max(0, deadline - Date.now())));
      if (untilOutcome) lookMs = Math.min(SLOW_LOOK_MS, lookMs * 2);
      const model = await load(tenant, taskId, false);
      if (!model || model.status !== 'RUNNING' || settled(model)) return model;
      if (Date.now() >= deadline) return load(tenant, taskId, true);
      await poked;
    }
  }

  async function record(v: Viewer, taskId: string, input: SubmitTaskInput, plan: ExecutionPlan): Promise<{ row: TaskRow; created: boolean }> {
    return store.transaction(async (db) => {
      const r = await store.insertTask(db, { id: taskId, tenant: v.tenant!, agentId: v.agentId!, submittedBy: v.id, goal: input.goal, plan, summary: { executor: input.executor } });
      if (r.created) {
        await recordAudit(deps, db, {
          tenant: v.tenant!, taskId, type: 'task.submitted', viewer: v,
          data: { goal: input.goal, format: sourceOf(input).format, planId: plan.planId, steps: plan.steps.length, credentialId: v.credentialId },
        });
      }
      return r;
    });
  }

  function workflowInput(v: Viewer, row: TaskRow, input: SubmitTaskInput): GovernedTaskInput {
    return {
      taskId: row.id, tenant: row.tenant, agentId: row.agentId, credential: credentialRef(v),
      submittedBy: { kind: 'agent', id: v.id }, goal: input.goal, source: sourceOf(input),
      approvalTimeoutMs: deps.config.approvalTimeoutMs, submittedAt: deps.now().toISOString(),
      ...(input.executor === 'caller' ? { executor: 'caller' as const } : {}),
    };
  }

  /** Start the workflow of a task recorded earlier, if it never was; a failure leaves the task for the next retry. */
  async function resume(v: Viewer, row: TaskRow, input: SubmitTaskInput): Promise<void> {
    try {
      if ((await workflows.start(workflowInput(v, row, input))) === 'started') deps.logger.warn({ taskId: row.id }, 'started the workflow of a task recorded without one');
    } catch (e) {
      deps.logger.warn({ err: e, taskId: row.id }, 'could not start the workflow of an earlier submit; the next retry tries again');
    }
  }

  async function start(v: Viewer, row: TaskRow, input: SubmitTaskInput): Promise<void> {
    try {
      await workflows.start(workflowInput(v, row, input));
    } catch (e) {
      deps.logger.error({ err: e, taskId: row.id }, 'could not start the governed task workflow');
      await store.failTask(store.pool, row.tenant, row.id, { code: 'ENGINE_UNAVAILABLE', message: 'the workflow engine did not accept the task' });
      throw e;
    }
  }

  return {
    async submit(viewer, input) {
      const v = requireRole(viewer, 'agent');
      if (!v.agentId || !v.agent || !v.tenant) throw new InterceptorError('FORBIDDEN', 'only agents with a credential may submit tasks');
      // why: validating here gives the agent every issue at once, with paths, before anything is recorded.
      const plan = extractOrExplain(input);
      const taskId = taskIdFor(v, input.idempotencyKey);
      const { row, created } = await record(v, taskId, input, plan);
      if (!created) {
        // why: a process that died between recording the task and starting its workflow left a task
        // nobody runs; the client's retry with the same key (and the same plan) starts it. Starting is
        // idempotent: a workflow that already exists is left as it is.
        if (row.status !== 'DONE' && digestJson(row.plan) === digestJson(plan)) await resume(v, row, input);
        // why wait on a retry too: a client whose first answer was lost retries to get that answer
        if (input.wait === 'outcome' && row.status !== 'DONE') return (await waitForSubmitted(row.tenant, taskId, input, Promise.resolve())) ?? (await load(row.tenant, taskId))!;
        return (await load(row.tenant, taskId))!;
      }
      // why before the start: a record the workflow makes at once must not poke before anyone listens
      const firstLook = deps.feed.next(`task:${taskId}`, Math.min(FALLBACK_LOOK_MS, deps.config.submitWaitMs));
      await start(v, row, input);
      return (await waitForSubmitted(row.tenant, taskId, input, firstLook)) ?? (await load(row.tenant, taskId))!;
    },

    async get(viewer, id) {
      const v = requireViewer(viewer);
      // why the lookup: a platform administrator names no tenant; the task's own says where to read.
      const tenant = v.tenant ?? (await store.getTask(store.pool, null, id))?.tenant;
      const rows = tenant ? await store.getTaskRows(store.pool, tenant, id) : null;
      if (!rows || !canReadTask(v, rows.row)) return null;
      return modelOf(rows, false);
    },

    async list(viewer, filter, page) {
      const v = requireRole(viewer, 'agent', 'investigator', 'admin');
      const tenant = readTenant(v, filter.tenant);
      // INVARIANT: an agent's listing is always narrowed to its own tasks, whatever the filter says.
      const agentOnly = !v.platformAdmin && !hasRole(v, 'investigator') && !hasRole(v, 'admin');
      if (agentOnly && filter.agentId && filter.agentId !== v.agentId) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
      const res = await store.listTasks(store.pool, {
        tenant, agentId: agentOnly ? v.agentId : filter.agentId ?? undefined, status: filter.status ?? undefined,
        riskLevel: filter.riskLevel ?? undefined, tool: filter.tool ?? undefined, from: filter.from ?? undefined, to: filter.to ?? undefined,
      }, page);
      const edges = await Promise.all(res.rows.map(async ({ cursor, row }) => ({ cursor, node: (await load(row.tenant, row.id, false))! })));
      return { edges, pageInfo: { hasNextPage: res.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null }, totalCount: res.totalCount ?? edges.length };
    },

    async cancel(viewer, id, reason) {
      const v = requireViewer(viewer);
      const row = await store.getTask(store.pool, v.tenant, id);
      if (!row || !canReadTask(v, row)) throw notFound('task', id);
      const own = hasRole(v, 'agent') && v.agentId === row.agentId;
      if (!own && !v.platformAdmin && !hasRole(v, 'admin')) throw new InterceptorError('FORBIDDEN', 'only the submitting agent or an admin may cancel a task');
      if (row.status === 'DONE') throw new InterceptorError('CONFLICT', `task \`${id}\` has already finished`, { details: { currentStatus: row.outcome } });
      const why = reason?.trim() || 'cancelled';
      await store.transaction((db) => recordAudit(deps, db, { tenant: row.tenant, taskId: id, type: 'task.cancel_requested', viewer: v, data: { reason: why } }));
      await workflows.cancel(id, { reason: why, requestedBy: v.id });
      deps.feed.poke(`task:${id}`);
      return (await load(row.tenant, id))!;
    },

    async reportResult(viewer, input) {
      const v = requireRole(viewer, 'agent');
      const row = await store.getTask(store.pool, v.tenant, input.taskId);
      if (!row || !canReadTask(v, row)) throw notFound('task', input.taskId);
      if (row.agentId !== v.agentId) throw new InterceptorError('FORBIDDEN', 'only the agent that submitted the task may report its results');
      if (row.summary.executor !== 'caller') throw new InterceptorError('CONFLICT', `task \`${row.id}\` runs its tools on the worker; it takes no reported results`);
      const step = (await store.listSteps(store.pool, row.id)).find((s) => s.stepId === input.stepId);
      const state = step ? toTaskModel(row, [step], [], null).steps.find((s) => s.stepId === input.stepId)?.state : undefined;
      if (!step) throw new InterceptorError('NOT_FOUND', `task \`${row.id}\` has no decided step \`${input.stepId}\``, { issues: [{ path: 'input.stepId', message: 'no such decided step' }] });
      const usage = { costUsd: input.usage?.costUsd ?? 0, tokens: input.usage?.tokens ?? 0, wallTimeMs: input.usage?.wallTimeMs ?? 0 };
      const result = input.ok ? (input.result ?? null) : null;
      const error = input.ok ? null : input.error!;
      const digest = digestJson(input.ok ? result : { error });
      const stored = await store.transaction(async (db) => {
        // why READY is checked only for a first report: a retried report after the step settled must still be recognised.
        const r = await store.recordReportedResult(db, { tenant: row.tenant, taskId: row.id, stepId: step.stepId, tool: step.tool, args: step.args, ok: input.ok, result, error, at: deps.now() });
        if (r.recorded) {
          if (state !== 'READY') throw new InterceptorError('CONFLICT', `step \`${step.stepId}\` is ${String(state).toLowerCase().replace('_', ' ')}, not ready for a result`, { details: { state } });
          await recordAudit(deps, db, {
            tenant: row.tenant, taskId: row.id, stepId: step.stepId, type: input.ok ? 'tool.executed' : 'tool.failed', viewer: v,
            data: { tool: step.tool, executor: 'caller', argsDigest: digestJson(step.args), resultDigest: digest, usage, ...(error ? { error } : {}) },
          });
        }
        return r;
      });
      const storedDigest = digestJson(stored.ok ? (stored.result ?? null) : { error: stored.error });
      if (!stored.recorded && storedDigest !== digest) {
        throw new InterceptorError('CONFLICT', `a different result was already reported for step \`${step.stepId}\``, { details: { resultDigest: storedDigest } });
      }
      // why signal even for a repeated report: the first report's signal may be what was lost. A
      // repeat that finds the workflow already finished has nothing left to deliver.
      const signal = workflows.signalToolResult(row.id, { stepId: step.stepId, ok: input.ok, resultDigest: digest, ...(error ? { error } : {}), usage, reportedBy: v.id });
      if (stored.recorded) await signal;
      else await signal.catch((e: unknown) => deps.logger.warn({ err: e, taskId: row.id }, 'a repeated tool result could not be signalled'));
      deps.feed.poke(`task:${row.id}`);
      return (await load(row.tenant, row.id))!;
    },

    loadUnchecked: (tenant, id) => load(tenant, id),
  };
}
