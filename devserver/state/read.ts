/**
 * @module Read paths: GetWorkflowExecutionHistory (pages, close-event long poll for `result()`,
 * wait for new events), DescribeWorkflowExecution, List / Count through the visibility module.
 */
import { dur, jsonPayload, ts, type Msg } from '../proto.js';
import type { Engine, Run } from './engine.js';
import { decodePageToken, encodePageToken } from './tokens.js';
import { statusEnum } from './queries.js';
import { startedOf } from './run-factory.js';
import { toVisibilityRow } from './visibility-rows.js';
import { countExecutions, queryExecutions } from '../visibility/index.js';
import { runKey } from './types.js';

export const HISTORY_PAGE = 1000;
/** How long a close-event or new-event long poll is held before an empty answer (client re-sends). */
export const HISTORY_WAIT_MS = 20_000;

function waitChange(eng: Engine, run: Run, ready: () => boolean, onCancel: (cb: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    let unsub = (): void => {};
    const timer = setTimeout(() => {
      unsub();
      resolve();
    }, HISTORY_WAIT_MS);
    const arm = (): void => {
      if (ready()) {
        clearTimeout(timer);
        resolve();
        return;
      }
      unsub = eng.waitHistory(runKey(run.s.namespace, run.s.runId), arm);
    };
    onCancel(() => {
      clearTimeout(timer);
      unsub();
      resolve();
    });
    arm();
  });
}

export async function getHistory(eng: Engine, ns: string, req: Msg, onCancel: (cb: () => void) => void): Promise<Msg> {
  const run = eng.getRun(ns, String(req.execution?.workflowId ?? ''), req.execution?.runId || undefined);
  const tok = decodePageToken(req.nextPageToken);
  if (req.historyEventFilterType === 'HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT') {
    if (run.s.status === 'Running' && req.waitNewEvent) await waitChange(eng, run, () => run.s.status !== 'Running', onCancel);
    if (run.s.status === 'Running') return { history: { events: [] }, nextPageToken: req.waitNewEvent ? encodePageToken(1) : undefined };
    return { history: { events: [run.events[run.events.length - 1]] } };
  }
  const from = tok?.n ?? 1;
  if (req.waitNewEvent && run.s.status === 'Running' && from > run.events.length) {
    await waitChange(eng, run, () => run.events.length >= from || run.s.status !== 'Running', onCancel);
  }
  const upTo = Math.min(tok?.e ?? run.events.length, run.events.length);
  const size = Number(req.maximumPageSize) > 0 ? Math.min(Number(req.maximumPageSize), HISTORY_PAGE) : HISTORY_PAGE;
  const events = run.events.slice(from - 1, Math.min(upTo, from - 1 + size));
  const next = from + events.length;
  const more = next <= upTo || (req.waitNewEvent && run.s.status === 'Running');
  return { history: { events }, nextPageToken: more ? encodePageToken(next, tok?.e) : undefined };
}

export function executionInfo(run: Run): Msg {
  const s = run.s;
  const st = startedOf(run);
  return {
    execution: { workflowId: s.workflowId, runId: s.runId },
    type: { name: s.workflowType },
    startTime: ts(s.startTime),
    closeTime: s.closeTime ? ts(s.closeTime) : undefined,
    status: statusEnum(s.status),
    historyLength: s.nextEventId - 1,
    historySizeBytes: s.historySizeBytes,
    parentNamespaceId: s.parent ? s.parent.namespace : undefined,
    parentExecution: s.parent ? { workflowId: s.parent.workflowId, runId: s.parent.runId } : undefined,
    rootExecution: st.rootWorkflowExecution,
    executionTime: ts(s.executionTime),
    memo: s.memo,
    searchAttributes: s.searchAttributes,
    taskQueue: s.taskQueue,
    firstRunId: s.firstRunId,
    stateTransitionCount: s.nextEventId - 1,
  };
}

const ACT_STATE = { scheduled: 'PENDING_ACTIVITY_STATE_SCHEDULED', backoff: 'PENDING_ACTIVITY_STATE_SCHEDULED', started: 'PENDING_ACTIVITY_STATE_STARTED' } as const;

export function describe(eng: Engine, ns: string, req: Msg): Msg {
  const run = eng.getRun(ns, String(req.execution?.workflowId ?? ''), req.execution?.runId || undefined);
  const s = run.s;
  const st = startedOf(run);
  return {
    executionConfig: { taskQueue: { name: s.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' }, workflowExecutionTimeout: st.workflowExecutionTimeout, workflowRunTimeout: st.workflowRunTimeout, defaultWorkflowTaskTimeout: dur(s.wft.timeoutMs) },
    workflowExecutionInfo: executionInfo(run),
    pendingActivities: Object.values(s.activities).map((a) => ({
      activityId: a.activityId,
      activityType: { name: a.activityType },
      state: a.cancelRequestedId ? 'PENDING_ACTIVITY_STATE_CANCEL_REQUESTED' : ACT_STATE[a.state],
      heartbeatDetails: a.heartbeatDetails,
      lastHeartbeatTime: a.lastHeartbeatAt ? ts(a.lastHeartbeatAt) : undefined,
      lastStartedTime: a.startedAt ? ts(a.startedAt) : undefined,
      attempt: a.attempt,
      maximumAttempts: Number(a.attrs.retryPolicy?.maximumAttempts ?? 0),
      scheduledTime: ts(a.attemptScheduledAt),
      expirationTime: a.scheduleToCloseMs ? ts(a.firstScheduledAt + a.scheduleToCloseMs) : undefined,
      lastFailure: a.lastFailure,
      lastWorkerIdentity: a.lastWorkerIdentity || a.startedIdentity,
    })),
    pendingChildren: Object.values(s.children).map((c) => ({ workflowId: c.workflowId, runId: c.runId, workflowTypeName: c.workflowType, initiatedId: c.initiatedId, parentClosePolicy: c.parentClosePolicy })),
    pendingWorkflowTask: s.wft.state === 'none' ? undefined : {
      state: s.wft.state === 'started' ? 'PENDING_WORKFLOW_TASK_STATE_STARTED' : 'PENDING_WORKFLOW_TASK_STATE_SCHEDULED',
      scheduledTime: ts(s.wft.scheduledAt), startedTime: s.wft.startedAt ? ts(s.wft.startedAt) : undefined, attempt: s.wft.attempt,
    },
  };
}

function runsOf(eng: Engine, ns: string): Run[] {
  const out: Run[] = [];
  for (const r of eng.runs.values()) if (r.s.namespace === ns) out.push(r);
  return out;
}

export function listWorkflows(eng: Engine, ns: string, req: Msg): Msg {
  const registry = eng.namespaces.get(ns).registry;
  const runs = runsOf(eng, ns);
  const byId = new Map(runs.map((r) => [r.s.runId, r] as const));
  const opts: { pageSize: number; nextPageToken?: Buffer } = { pageSize: Number(req.pageSize) > 0 ? Number(req.pageSize) : 1000 };
  if (req.nextPageToken) opts.nextPageToken = Buffer.from(String(req.nextPageToken), 'base64');
  const res = queryExecutions(runs.map(toVisibilityRow), String(req.query ?? ''), registry, opts);
  return {
    executions: res.rows.map((row) => executionInfo(byId.get(row.runId)!)),
    nextPageToken: res.nextPageToken && res.nextPageToken.length > 0 ? res.nextPageToken.toString('base64') : undefined,
  };
}

function keywordPayload(v: unknown): Msg {
  const p = jsonPayload(v);
  p.metadata.type = Buffer.from('Keyword').toString('base64');
  return p;
}

export function countWorkflows(eng: Engine, ns: string, req: Msg): Msg {
  const registry = eng.namespaces.get(ns).registry;
  const res = countExecutions(runsOf(eng, ns).map(toVisibilityRow), String(req.query ?? ''), registry);
  return {
    count: res.count,
    // Temporal groups only by ExecutionStatus, a Keyword: typed payloads decode to plain strings
    groups: res.groups?.map((g) => ({ groupValues: g.values.map((v) => keywordPayload(v)), count: g.count })),
  };
}
