/**
 * @module Activities: scheduling (with normalised timeouts and retry policy), delivery, results,
 * retries with backoff (no events for a retried attempt), the four timeouts, heartbeats and
 * cancellation. ActivityTaskStarted is written only with the final outcome, like the real server.
 */
import { randomUUID } from 'node:crypto';
import { dur, durMs, ts, type Msg } from '../proto.js';
import { notFound } from '../errors.js';
import type { Engine, Run } from './engine.js';
import { addExternal, type BufferedEvent } from './history.js';
import { decideRetry, normaliseRetryPolicy } from './retry.js';
import { encodeToken, decodeActivityToken } from './tokens.js';
import { runKey, type ActivityState } from './types.js';
import type { QueueEntry } from './queues.js';

export function validateActivity(a: Msg, pendingIds: Set<string>): string | undefined {
  if (!a.activityId) return 'activity id is not set';
  if (!a.activityType?.name) return 'activity type is not set';
  if (pendingIds.has(String(a.activityId))) return `activity id \`${a.activityId}\` is already in use`;
  if (!durMs(a.startToCloseTimeout) && !durMs(a.scheduleToCloseTimeout)) return 'either start-to-close or schedule-to-close timeout must be set';
  return undefined;
}

/** Temporal's normalisation: schedule-to-close bounds the others, the run timeout bounds all. */
function normaliseTimeouts(a: Msg, runTimeout: number): { s2s: number; st2c: number; s2c: number; hb: number } {
  let s2c = durMs(a.scheduleToCloseTimeout);
  let s2s = durMs(a.scheduleToStartTimeout);
  let st2c = durMs(a.startToCloseTimeout);
  const cap = (v: number, c: number): number => (c > 0 ? (v > 0 ? Math.min(v, c) : c) : v);
  if (s2c > 0) {
    s2s = cap(s2s, s2c);
    st2c = cap(st2c, s2c);
  } else {
    s2c = runTimeout;
    s2s = cap(s2s, runTimeout);
  }
  s2c = cap(s2c, runTimeout);
  st2c = cap(st2c, runTimeout);
  const hb = Math.min(durMs(a.heartbeatTimeout), st2c || Infinity);
  return { s2s, st2c, s2c, hb: Number.isFinite(hb) ? hb : 0 };
}

/**
 * ActivityTaskScheduled plus the task on its queue. With `eager` given (a workflow-task completion
 * that may return activity tasks), an activity that asks for eager execution on the workflow's own
 * task queue is not queued: its scheduled id goes to `eager`, and startEagerActivities hands it to
 * the completing worker, which reserved a slot for it (sdk-core only sets `request_eager_execution`
 * after reserving one, and only for its own task queue).
 */
export function scheduleActivity(eng: Engine, run: Run, a: Msg, wftc: number, eager?: number[]): void {
  const s = run.s;
  const t = normaliseTimeouts(a, s.runTimeoutMs);
  const taskQueue = (a.taskQueue?.name as string | undefined) || s.taskQueue;
  const retryPolicy = normaliseRetryPolicy(a.retryPolicy);
  const attrs: Msg = {
    activityId: a.activityId,
    activityType: a.activityType,
    taskQueue: { name: taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    header: a.header,
    input: a.input,
    scheduleToCloseTimeout: dur(t.s2c),
    scheduleToStartTimeout: dur(t.s2s),
    startToCloseTimeout: dur(t.st2c),
    heartbeatTimeout: dur(t.hb),
    workflowTaskCompletedEventId: wftc,
    retryPolicy,
    priority: a.priority,
  };
  const id = eng.append(run, 'ActivityTaskScheduled', attrs);
  const now = eng.now();
  s.activities[String(id)] = {
    scheduledId: id, activityId: String(a.activityId), activityType: String(a.activityType.name), taskQueue, attrs,
    state: 'scheduled', attempt: 1, firstScheduledAt: now, attemptScheduledAt: now, startedAt: 0, lastHeartbeatAt: 0,
    lastWorkerIdentity: '', startedIdentity: '', startedRequestId: '', cancelRequestedId: 0,
    scheduleToStartMs: t.s2s, startToCloseMs: t.st2c, scheduleToCloseMs: t.s2c, heartbeatMs: t.hb, retryAt: 0,
  };
  if (eager && a.requestEagerExecution === true && taskQueue === s.taskQueue) eager.push(id);
  else eng.enqueue(s.namespace, 'act', taskQueue, { kind: 'act', runKey: runKey(s.namespace, s.runId), scheduledId: id, attempt: 1 });
}

export function requeueActivity(eng: Engine, run: Run, act: ActivityState): void {
  const s = run.s;
  eng.enqueue(s.namespace, 'act', act.taskQueue, { kind: 'act', runKey: runKey(s.namespace, s.runId), scheduledId: act.scheduledId, attempt: act.attempt });
}

export function deliverActivity(eng: Engine, run: Run, entry: QueueEntry, identity: string): Msg | undefined {
  const act = run.s.activities[String(entry.scheduledId)];
  if (run.s.status !== 'Running' || !act || act.state !== 'scheduled' || act.attempt !== entry.attempt) return undefined;
  return eng.mutate(() => startActivity(eng, run, act, identity));
}

/**
 * Eager dispatch (RespondWorkflowTaskCompletedResponse.activity_tasks): starts the activities
 * scheduleActivity set aside, inside the completion's unit of work, and returns their tasks. When
 * the same completion closed the run, its activities are gone and nothing is returned.
 */
export function startEagerActivities(eng: Engine, run: Run, scheduledIds: number[], identity: string): Msg[] {
  const tasks: Msg[] = [];
  if (run.s.status !== 'Running') return tasks;
  for (const id of scheduledIds) {
    const act = run.s.activities[String(id)];
    if (act?.state === 'scheduled') tasks.push(startActivity(eng, run, act, identity));
  }
  return tasks;
}

/** Marks an attempt started (no history event until its outcome) and builds its task. */
function startActivity(eng: Engine, run: Run, act: ActivityState, identity: string): Msg {
  eng.touch(run);
  const now = eng.now();
  Object.assign(act, { state: 'started', startedAt: now, lastHeartbeatAt: now, startedIdentity: identity, startedRequestId: randomUUID() });
  const s = run.s;
  return {
    taskToken: encodeToken({ k: 'a', ns: s.namespace, wf: s.workflowId, r: s.runId, s: act.scheduledId, a: act.attempt }),
    workflowNamespace: s.namespace,
    workflowType: { name: s.workflowType },
    workflowExecution: { workflowId: s.workflowId, runId: s.runId },
    activityType: act.attrs.activityType,
    activityId: act.activityId,
    header: act.attrs.header,
    input: act.attrs.input,
    heartbeatDetails: act.heartbeatDetails,
    scheduledTime: ts(act.firstScheduledAt),
    currentAttemptScheduledTime: ts(act.attemptScheduledAt),
    startedTime: ts(now),
    attempt: act.attempt,
    scheduleToCloseTimeout: act.attrs.scheduleToCloseTimeout,
    startToCloseTimeout: act.attrs.startToCloseTimeout,
    heartbeatTimeout: act.attrs.heartbeatTimeout,
    retryPolicy: act.attrs.retryPolicy,
    priority: act.attrs.priority,
  };
}

/** Writes the outcome (with ActivityTaskStarted first when the attempt had started) and forgets it. */
function finish(eng: Engine, run: Run, act: ActivityState, type: string, attrs: Msg): void {
  const events: BufferedEvent[] = [];
  const started = act.state === 'started';
  if (started) {
    events.push({ type: 'ActivityTaskStarted', attrs: { scheduledEventId: act.scheduledId, identity: act.startedIdentity, requestId: act.startedRequestId, attempt: act.attempt, lastFailure: act.lastFailure } });
  }
  events.push({ type, attrs: { scheduledEventId: act.scheduledId, ...(started ? {} : { startedEventId: 0 }), ...attrs }, ...(started ? { linkPrev: 'startedEventId' } : {}) });
  delete run.s.activities[String(act.scheduledId)];
  addExternal(eng, run, events);
}

/** Finds the started activity a token names; NOT_FOUND when it moved on. */
export function activityForToken(eng: Engine, ns: string, tokenB64: unknown): { run: Run; act: ActivityState } {
  const t = decodeActivityToken(tokenB64);
  const run = t.ns === ns ? eng.getRunByKey(runKey(t.ns, t.r)) : undefined;
  const act = run?.s.activities[String(t.s)];
  if (!run || run.s.status !== 'Running' || !act || act.state !== 'started' || act.attempt !== t.a) {
    throw notFound('activity task not found: it already completed, timed out or was retried');
  }
  return { run, act };
}

/** ById variants: the started activity with that id in the given (or current) run. */
export function activityById(eng: Engine, ns: string, req: Msg): { run: Run; act: ActivityState } {
  const run = eng.getRunningRun(ns, String(req.workflowId ?? ''), req.runId || undefined);
  const act = Object.values(run.s.activities).find((a) => a.activityId === req.activityId);
  if (!act || act.state !== 'started') throw notFound(`activity \`${req.activityId}\` is not found or not started`);
  return { run, act };
}

export function completeActivity(eng: Engine, run: Run, act: ActivityState, result: Msg | undefined, identity: string): void {
  finish(eng, run, act, 'ActivityTaskCompleted', { result, identity });
}

export function cancelActivityReported(eng: Engine, run: Run, act: ActivityState, details: Msg | undefined, identity: string): void {
  finish(eng, run, act, 'ActivityTaskCanceled', { details, latestCancelRequestedEventId: act.cancelRequestedId, identity });
}

function overallDeadline(act: ActivityState): number {
  return act.scheduleToCloseMs > 0 ? act.firstScheduledAt + act.scheduleToCloseMs : 0;
}

/** A failed or timed-out attempt: retry after a backoff (no events) or write the final outcome. */
export function failAttempt(eng: Engine, run: Run, act: ActivityState, failure: Msg, details: Msg | undefined, identity: string, timeout: boolean): void {
  eng.touch(run);
  if (details) act.heartbeatDetails = details;
  const now = eng.now();
  const d = decideRetry(act.attrs.retryPolicy, act.attempt, failure, now, overallDeadline(act));
  if (d.state === 'RETRY_STATE_IN_PROGRESS') {
    Object.assign(act, { state: 'backoff', attempt: act.attempt + 1, lastFailure: failure, retryAt: now + d.backoffMs, lastWorkerIdentity: identity });
    return;
  }
  if (timeout) {
    finish(eng, run, act, 'ActivityTaskTimedOut', { failure: { ...failure, cause: act.lastFailure }, retryState: d.state });
  } else {
    finish(eng, run, act, 'ActivityTaskFailed', { failure, identity, retryState: d.state });
  }
}

export function timeoutFailure(act: ActivityState, type: string): Msg {
  const kind = type.replace('TIMEOUT_TYPE_', '').toLowerCase().replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
  return { message: `activity ${kind} timeout`, source: 'Server', timeoutFailureInfo: { timeoutType: type, lastHeartbeatDetails: act.heartbeatDetails } };
}

/** Timeouts that end the activity for good, whatever the retry policy says. */
export function finalTimeout(eng: Engine, run: Run, act: ActivityState, type: string): void {
  finish(eng, run, act, 'ActivityTaskTimedOut', { failure: { ...timeoutFailure(act, type), cause: act.lastFailure }, retryState: 'RETRY_STATE_TIMEOUT' });
}

export function heartbeat(eng: Engine, run: Run, act: ActivityState, details: Msg | undefined): Msg {
  eng.touch(run);
  if (details) act.heartbeatDetails = details;
  act.lastHeartbeatAt = eng.now();
  return { cancelRequested: act.cancelRequestedId > 0 };
}

/** RequestCancelActivityTask: cancels at once when not started, else flags it for the next heartbeat. */
export function cancelActivityByCommand(eng: Engine, run: Run, scheduledId: number, wftc: number): boolean {
  const id = eng.append(run, 'ActivityTaskCancelRequested', { scheduledEventId: scheduledId, workflowTaskCompletedEventId: wftc });
  const act = run.s.activities[String(scheduledId)];
  if (!act) return false;
  act.cancelRequestedId = id;
  if (act.state === 'started') return false;
  eng.append(run, 'ActivityTaskCanceled', { scheduledEventId: scheduledId, latestCancelRequestedEventId: id, startedEventId: 0 });
  delete run.s.activities[String(scheduledId)];
  return true;
}

/** Earliest deadline of one activity (0 = none). */
export function activityDeadline(act: ActivityState): number {
  const ds: number[] = [overallDeadline(act)];
  if (act.state === 'scheduled' && act.scheduleToStartMs > 0) ds.push(act.attemptScheduledAt + act.scheduleToStartMs);
  if (act.state === 'started' && act.startToCloseMs > 0) ds.push(act.startedAt + act.startToCloseMs);
  if (act.state === 'started' && act.heartbeatMs > 0) ds.push(act.lastHeartbeatAt + act.heartbeatMs);
  if (act.state === 'backoff') ds.push(act.retryAt);
  const pos = ds.filter((d) => d > 0);
  return pos.length ? Math.min(...pos) : 0;
}

export function fireActivityDeadlines(eng: Engine, run: Run, act: ActivityState, now: number): void {
  const overall = overallDeadline(act);
  if (overall > 0 && now >= overall) return finalTimeout(eng, run, act, 'TIMEOUT_TYPE_SCHEDULE_TO_CLOSE');
  if (act.state === 'scheduled' && act.scheduleToStartMs > 0 && now >= act.attemptScheduledAt + act.scheduleToStartMs) {
    return finalTimeout(eng, run, act, 'TIMEOUT_TYPE_SCHEDULE_TO_START');
  }
  if (act.state === 'started' && act.startToCloseMs > 0 && now >= act.startedAt + act.startToCloseMs) {
    return failAttempt(eng, run, act, timeoutFailure(act, 'TIMEOUT_TYPE_START_TO_CLOSE'), undefined, '', true);
  }
  if (act.state === 'started' && act.heartbeatMs > 0 && now >= act.lastHeartbeatAt + act.heartbeatMs) {
    return failAttempt(eng, run, act, timeoutFailure(act, 'TIMEOUT_TYPE_HEARTBEAT'), undefined, '', true);
  }
  if (act.state === 'backoff' && now >= act.retryAt) {
    Object.assign(act, { state: 'scheduled', attemptScheduledAt: now });
    requeueActivity(eng, run, act);
  }
}
