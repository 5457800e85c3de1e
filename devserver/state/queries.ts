/**
 * @module Queries. With no workflow task pending the query goes out as a query-only task (legacy
 * path, `started_event_id=0`); otherwise it rides on the next workflow task's `queries` map and the
 * answer comes back in RespondWorkflowTaskCompleted. Queries write no events and are not persisted.
 */
import { randomUUID } from 'node:crypto';
import type { Msg } from '../proto.js';
import { ServiceError, notFound } from '../errors.js';
import type { Engine, Run } from './engine.js';
import { baseResponse } from './wft.js';
import { encodeToken, decodeQueryToken } from './tokens.js';
import { TaskQueues, type QueueEntry } from './queues.js';
import { runKey } from './types.js';

interface PendingQuery {
  id: string;
  runKey: string;
  query: Msg;
  state: 'waiting' | 'sent';
  sticky: boolean;
  resolve(r: Msg): void;
  reject(e: unknown): void;
  timer: NodeJS.Timeout;
}

const pendingByEngine = new WeakMap<Engine, Map<string, PendingQuery>>();
function pending(eng: Engine): Map<string, PendingQuery> {
  let m = pendingByEngine.get(eng);
  if (!m) {
    m = new Map();
    pendingByEngine.set(eng, m);
  }
  return m;
}

export const QUERY_TIMEOUT_MS = 30_000;

const STATUS_ENUM: Record<string, string> = {
  Running: 'WORKFLOW_EXECUTION_STATUS_RUNNING', Completed: 'WORKFLOW_EXECUTION_STATUS_COMPLETED', Failed: 'WORKFLOW_EXECUTION_STATUS_FAILED',
  Canceled: 'WORKFLOW_EXECUTION_STATUS_CANCELED', Terminated: 'WORKFLOW_EXECUTION_STATUS_TERMINATED',
  ContinuedAsNew: 'WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW', TimedOut: 'WORKFLOW_EXECUTION_STATUS_TIMED_OUT',
};
export function statusEnum(status: string): string {
  return STATUS_ENUM[status] ?? 'WORKFLOW_EXECUTION_STATUS_UNSPECIFIED';
}

function rejected(run: Run, condition: string): boolean {
  if (run.s.status === 'Running') return false;
  if (condition === 'QUERY_REJECT_CONDITION_NOT_OPEN') return true;
  return condition === 'QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY' && run.s.status !== 'Completed';
}

export function queryWorkflow(eng: Engine, ns: string, req: Msg, onCancel: (cb: () => void) => void): Promise<Msg> {
  if (!req.query?.queryType) throw new ServiceError('INVALID_ARGUMENT', 'query type is not set');
  const run = eng.getRun(ns, String(req.execution?.workflowId ?? ''), req.execution?.runId || undefined);
  if (rejected(run, String(req.queryRejectCondition ?? ''))) return Promise.resolve({ queryRejected: { status: statusEnum(run.s.status) } });
  return new Promise<Msg>((resolve, reject) => {
    const id = randomUUID();
    const map = pending(eng);
    const pq: PendingQuery = {
      id, runKey: runKey(run.s.namespace, run.s.runId), query: req.query, state: 'waiting', sticky: false, resolve, reject,
      timer: setTimeout(() => {
        map.delete(id);
        reject(new ServiceError('DEADLINE_EXCEEDED', 'query timed out: no worker answered it in time'));
      }, QUERY_TIMEOUT_MS),
    };
    map.set(id, pq);
    onCancel(() => {
      clearTimeout(pq.timer);
      map.delete(id);
    });
    if (run.s.wft.state === 'none' || run.s.status !== 'Running') sendLegacy(eng, run, pq);
  });
}

function sendLegacy(eng: Engine, run: Run, pq: PendingQuery): void {
  const s = run.s;
  pq.state = 'sent';
  const stickyKey = s.sticky ? TaskQueues.key(s.namespace, 'wf', s.sticky.queue) : '';
  pq.sticky = s.status === 'Running' && !!stickyKey && eng.queues.hasPoller(stickyKey);
  const key = pq.sticky ? stickyKey : TaskQueues.key(s.namespace, 'wf', s.taskQueue);
  eng.queues.push(key, { kind: 'query', runKey: pq.runKey, scheduledId: 0, attempt: 1, queryId: pq.id });
  eng.queues.dispatch(key);
}

export function buildQueryTask(eng: Engine, entry: QueueEntry): Msg | undefined {
  const pq = pending(eng).get(entry.queryId ?? '');
  const run = eng.getRunByKey(entry.runKey);
  if (!pq || !run) return undefined;
  const sticky = pq.sticky && run.s.lastCompletedWftStartedId > 0;
  const resp = baseResponse(run, encodeToken({ k: 'q', id: pq.id }), sticky, 0);
  resp.query = pq.query;
  resp.attempt = 1;
  return resp;
}

function settle(eng: Engine, id: string, r: Msg): void {
  const map = pending(eng);
  const pq = map.get(id);
  if (!pq) return;
  map.delete(id);
  clearTimeout(pq.timer);
  if (r.resultType === 'QUERY_RESULT_TYPE_ANSWERED' || r.completedType === 'QUERY_RESULT_TYPE_ANSWERED') {
    pq.resolve({ queryResult: r.answer ?? r.queryResult ?? { payloads: [] } });
    return;
  }
  const message = String(r.errorMessage ?? r.failure?.message ?? 'query failed');
  pq.reject(new ServiceError('INVALID_ARGUMENT', message, { typeName: 'temporal.api.errordetails.v1.QueryFailedFailure', value: { failure: r.failure } }));
}

export function respondQueryTask(eng: Engine, req: Msg): Msg {
  const t = decodeQueryToken(req.taskToken);
  if (!pending(eng).has(t.id)) throw notFound('query task not found: it already timed out or was answered');
  settle(eng, t.id, req);
  return {};
}

/** Queries waiting on a run, attached to the workflow task being delivered. */
export function attachQueries(eng: Engine, run: Run): Msg | undefined {
  const key = runKey(run.s.namespace, run.s.runId);
  let out: Msg | undefined;
  for (const pq of pending(eng).values()) {
    if (pq.runKey !== key || pq.state !== 'waiting') continue;
    out ??= {};
    out[pq.id] = pq.query;
  }
  return out;
}

export function answerConsistentQueries(eng: Engine, results: Msg | undefined): void {
  if (!results) return;
  const entries = Object.entries(results as Record<string, Msg>);
  eng.effect(() => {
    for (const [id, r] of entries) settle(eng, id, r);
  });
}

/** After a workflow task ends: queries still waiting go out as query-only tasks. */
export function dispatchLegacyQueries(eng: Engine, run: Run): void {
  if (run.s.wft.state !== 'none' && run.s.status === 'Running') return;
  const key = runKey(run.s.namespace, run.s.runId);
  for (const pq of pending(eng).values()) if (pq.runKey === key && pq.state === 'waiting') sendLegacy(eng, run, pq);
}
