/**
 * @module Workflow task lifecycle: delivery to a poller (WFTStarted), completion, failure and
 * start-to-close timeout. A failed or timed-out task is rescheduled with attempt+1 at once; the
 * timeout is what moves a workflow past a task that core stopped reporting (attempt >= 2).
 */
import { randomUUID } from 'node:crypto';
import { durMs, ts, type Msg } from '../proto.js';
import { ServiceError, notFound } from '../errors.js';
import type { Engine, Run } from './engine.js';
import { flushBuffered } from './history.js';
import { scheduleWft } from './wft-schedule.js';
import { encodePageToken, encodeToken, decodeWftToken } from './tokens.js';
import { runKey } from './types.js';
import type { QueueEntry } from './queues.js';
import { processCommands, validateCommands } from './commands.js';
import { attachQueries, answerConsistentQueries, dispatchLegacyQueries, buildQueryTask } from './queries.js';
import { deliverActivity, startEagerActivities } from './activities.js';
import { collectUpdateMessages, hasUndeliveredUpdates, redeliverUpdates } from './updates.js';

/** Events per poll-response page; the worker fetches the rest with GetWorkflowExecutionHistory. */
export const POLL_PAGE = 1000;

export function deliverEntry(eng: Engine, entry: QueueEntry, identity: string): Msg | undefined {
  if (entry.kind === 'query') return buildQueryTask(eng, entry);
  const run = eng.getRunByKey(entry.runKey);
  if (!run) return undefined;
  if (entry.kind === 'act') return deliverActivity(eng, run, entry, identity);
  const w = run.s.wft;
  if (run.s.status !== 'Running' || w.state !== 'scheduled' || w.scheduledId !== entry.scheduledId) return undefined;
  return eng.mutate(() => startWft(eng, run, identity));
}

function startWft(eng: Engine, run: Run, identity: string): Msg {
  const s = run.s;
  const requestId = randomUUID();
  const startedId = eng.append(run, 'WorkflowTaskStarted', {
    scheduledEventId: s.wft.scheduledId,
    identity,
    requestId,
    historySizeBytes: s.historySizeBytes,
  });
  const now = eng.now();
  Object.assign(s.wft, { state: 'started', startedId, startedAt: now, requestId });
  const sticky = s.wft.queue !== s.taskQueue && s.lastCompletedWftStartedId > 0;
  const token = encodeToken({ k: 'w', ns: s.namespace, wf: s.workflowId, r: s.runId, s: s.wft.scheduledId, t: startedId, a: s.wft.attempt });
  const resp = baseResponse(run, token, sticky, startedId);
  resp.attempt = s.wft.attempt;
  resp.scheduledTime = ts(s.wft.scheduledAt);
  resp.startedTime = ts(now);
  const queries = attachQueries(eng, run);
  if (queries) resp.queries = queries;
  const messages = collectUpdateMessages(eng, run, startedId - 1);
  if (messages.length > 0) resp.messages = messages;
  return resp;
}

/** Common fields of a workflow-task or query-task poll response, with history (paged if long). */
export function baseResponse(run: Run, token: string, sticky: boolean, startedId: number): Msg {
  const s = run.s;
  const resp: Msg = {
    taskToken: token,
    workflowExecution: { workflowId: s.workflowId, runId: s.runId },
    workflowType: { name: s.workflowType },
    previousStartedEventId: s.lastCompletedWftStartedId,
    startedEventId: startedId,
    workflowExecutionTaskQueue: { name: s.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
  };
  if (sticky) {
    resp.history = { events: run.events.slice(s.lastCompletedWftStartedId) };
  } else if (run.events.length > POLL_PAGE) {
    resp.history = { events: run.events.slice(0, POLL_PAGE) };
    resp.nextPageToken = encodePageToken(POLL_PAGE + 1, run.events.length);
  } else {
    resp.history = { events: run.events.slice() };
  }
  return resp;
}

/** Finds the run of a workflow-task token and checks the task is still the started one. */
export function runForWftToken(eng: Engine, tokenB64: unknown, ns: string): Run {
  const t = decodeWftToken(tokenB64);
  if (t.ns !== ns) throw notFound('workflow task not found');
  const run = eng.getRunByKey(runKey(t.ns, t.r));
  const w = run?.s.wft;
  if (!run || run.s.status !== 'Running' || w?.state !== 'started' || w.startedId !== t.t || w.scheduledId !== t.s) {
    throw notFound('workflow task not found');
  }
  return run;
}

/** Ends the started task with a WFTFailed or WFTTimedOut event and schedules the next attempt. */
export function endWftUnsuccessfully(eng: Engine, run: Run, type: 'WorkflowTaskFailed' | 'WorkflowTaskTimedOut', attrs: Msg): void {
  const s = run.s;
  eng.touch(run);
  eng.append(run, type, { scheduledEventId: s.wft.scheduledId, startedEventId: s.wft.startedId, ...attrs });
  s.wft.state = 'none';
  s.wft.attempt += 1;
  // why: the worker evicts the run after a failed task, so the next one must carry full history
  s.sticky = null;
  flushBuffered(eng, run);
  redeliverUpdates(run);
  scheduleWft(eng, run);
}

export function failWft(eng: Engine, ns: string, req: Msg): void {
  eng.mutate(() => {
    const run = runForWftToken(eng, req.taskToken, ns);
    endWftUnsuccessfully(eng, run, 'WorkflowTaskFailed', {
      cause: req.cause ?? 'WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED',
      failure: req.failure,
      identity: req.identity ?? '',
      binaryChecksum: req.binaryChecksum ?? '',
    });
  });
}

export function timeoutWft(eng: Engine, run: Run): void {
  endWftUnsuccessfully(eng, run, 'WorkflowTaskTimedOut', { timeoutType: 'TIMEOUT_TYPE_START_TO_CLOSE' });
}

/** RespondWorkflowTaskCompleted (§6.5). Returns an error that must be sent after the commit. */
export function completeWft(eng: Engine, ns: string, req: Msg): Msg {
  const r = eng.mutate(() => completeInTx(eng, ns, req));
  if (r instanceof ServiceError) throw r;
  return r;
}

function isRejection(m: Msg): boolean {
  return String(m.body?.type_url ?? m.body?.typeUrl ?? '').endsWith('temporal.api.update.v1.Rejection');
}

/**
 * A speculative task (scheduled only for an update) that produced nothing but rejections leaves no
 * trace: its WFTScheduled and WFTStarted are removed, and `reset_history_event_id` tells core to
 * roll back to the last real task (core drops exactly those two events).
 */
function discardSpeculative(eng: Engine, run: Run, req: Msg, messages: Msg[]): Msg | undefined {
  const s = run.s;
  const commands = (req.commands ?? []) as Msg[];
  if (!s.wft.speculative || commands.length > 0 || s.buffered.length > 0 || req.forceCreateNewWorkflowTask || !messages.every(isRejection)) return undefined;
  if (s.wft.startedId !== s.wft.scheduledId + 1 || s.nextEventId !== s.wft.startedId + 1) return undefined;
  eng.truncate(run, s.wft.scheduledId);
  s.historySizeBytes = s.wft.sizeBefore;
  Object.assign(s.wft, { state: 'none', attempt: 1, speculative: false });
  processCommands(eng, run, [], messages, 0, String(req.identity ?? ''));
  answerConsistentQueries(eng, req.queryResults);
  if (hasUndeliveredUpdates(run)) scheduleWft(eng, run, true);
  eng.effect(() => dispatchLegacyQueries(eng, run));
  return { resetHistoryEventId: s.lastCompletedWftStartedId };
}

function completeInTx(eng: Engine, ns: string, req: Msg): ServiceError | Msg {
  const run = runForWftToken(eng, req.taskToken, ns);
  const s = run.s;
  const commands = (req.commands ?? []) as Msg[];
  const messages = (req.messages ?? []) as Msg[];
  const bad = validateCommands(eng, run, commands, messages);
  if (bad) {
    endWftUnsuccessfully(eng, run, 'WorkflowTaskFailed', { cause: bad.cause, failure: { message: bad.message }, identity: req.identity ?? '' });
    return new ServiceError('INVALID_ARGUMENT', bad.message);
  }
  const discarded = discardSpeculative(eng, run, req, messages);
  if (discarded) return discarded;
  const terminal = commands.some((c) => TERMINAL.has(String(c.commandType)));
  if (terminal && (s.buffered.length > 0 || hasUndeliveredUpdates(run))) {
    endWftUnsuccessfully(eng, run, 'WorkflowTaskFailed', { cause: 'WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND', identity: req.identity ?? '' });
    return new ServiceError('INVALID_ARGUMENT', 'UnhandledCommand');
  }
  const completedId = eng.append(run, 'WorkflowTaskCompleted', {
    scheduledEventId: s.wft.scheduledId,
    startedEventId: s.wft.startedId,
    identity: req.identity ?? '',
    binaryChecksum: req.binaryChecksum ?? '',
    sdkMetadata: req.sdkMetadata,
    meteringMetadata: req.meteringMetadata ?? {},
    workerVersion: req.workerVersionStamp,
  });
  const sticky = req.stickyAttributes?.workerTaskQueue?.name as string | undefined;
  s.sticky = sticky ? { queue: sticky, timeoutMs: durMs(req.stickyAttributes?.scheduleToStartTimeout) || 10_000 } : null;
  s.lastCompletedWftStartedId = s.wft.startedId;
  Object.assign(s.wft, { state: 'none', attempt: 1 });
  const eager: number[] = [];
  const needWft = processCommands(eng, run, commands, messages, completedId, req.identity ?? '', eager);
  const activityTasks = startEagerActivities(eng, run, eager, String(req.identity ?? ''));
  answerConsistentQueries(eng, req.queryResults);
  if (s.status === 'Running') {
    const flushed = flushBuffered(eng, run);
    if (flushed || needWft || req.forceCreateNewWorkflowTask) scheduleWft(eng, run);
    // a task needed only for updates that arrived meanwhile is speculative: discarded if all are rejected
    else if (hasUndeliveredUpdates(run)) scheduleWft(eng, run, true);
  }
  eng.effect(() => dispatchLegacyQueries(eng, run));
  const resp: Msg = {};
  if (activityTasks.length > 0) resp.activityTasks = activityTasks;
  const next = returnedTask(eng, run, req);
  if (next) resp.workflowTask = next;
  return resp;
}

/**
 * RespondWorkflowTaskCompletedResponse.workflow_task: when the completion itself made a new task
 * necessary (events buffered during the task, `force_create_new_workflow_task` for local-activity
 * heartbeats) and the worker asked for it, the task is started here and returned, saving a poll
 * round trip. sdk-core asks only when it caches the run (sticky), because a returned task carries
 * partial history; so only a task on the run's sticky queue is returned, and never a speculative
 * one (which may still be discarded). Its queue entry goes stale and is skipped at delivery.
 */
function returnedTask(eng: Engine, run: Run, req: Msg): Msg | undefined {
  const s = run.s;
  if (req.returnNewWorkflowTask !== true || s.status !== 'Running' || s.wft.state !== 'scheduled' || s.wft.speculative) return undefined;
  if (!s.sticky || s.wft.queue !== s.sticky.queue || s.wft.availableAt > eng.now()) return undefined;
  return startWft(eng, run, String(req.identity ?? ''));
}

export const TERMINAL = new Set([
  'COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION',
  'COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION',
  'COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION',
  'COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION',
]);
