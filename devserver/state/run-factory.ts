/**
 * @module Creating a run: WorkflowExecutionStarted with every field the SDK reads, then the first
 * workflow task (unless delayed by a start delay or a retry / continue-as-new backoff).
 */
import { randomUUID } from 'node:crypto';
import { dur, ts, type Msg } from '../proto.js';
import type { Engine, Run } from './engine.js';
import { scheduleWft } from './wft-schedule.js';
import type { ParentRef, RunState } from './types.js';
import { mergeSearchAttributes } from './visibility-rows.js';

export interface NewRun {
  namespace: string;
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  input?: Msg;
  header?: Msg;
  memo?: Msg;
  searchAttributes?: Msg;
  retryPolicy?: Msg;
  runTimeoutMs: number;
  execTimeoutMs: number;
  /** Absolute expiration inherited by retries and continue-as-new (0 = compute from execTimeoutMs). */
  expirationTime: number;
  wftTimeoutMs: number;
  identity: string;
  requestId: string;
  firstRunId?: string;
  runId?: string;
  continuedRunId?: string;
  initiator?: string;
  lastCompletionResult?: Msg;
  continuedFailure?: Msg;
  attempt: number;
  backoffMs: number;
  parent: ParentRef | null;
  rootExecution?: Msg;
  cronSchedule?: string;
  priority?: Msg;
  userMetadata?: Msg;
  /** Events written right after WorkflowExecutionStarted (signalWithStart's signal). */
  initialEvents?: { type: string; attrs: Msg }[];
}

/** Default and cap for the workflow task timeout, like the real server. */
export function wftTimeout(requested: number): number {
  return Math.min(requested > 0 ? requested : 10_000, 120_000);
}

export function createRun(eng: Engine, p: NewRun): Run {
  const now = eng.now();
  const runId = p.runId ?? randomUUID();
  const expiration = p.expirationTime || (p.execTimeoutMs > 0 ? now + p.execTimeoutMs : 0);
  const runTimeoutMs = p.runTimeoutMs > 0 ? p.runTimeoutMs : p.execTimeoutMs;
  const s: RunState = {
    namespace: p.namespace, workflowId: p.workflowId, runId, firstRunId: p.firstRunId ?? runId, seq: eng.nextSeq(),
    status: 'Running', workflowType: p.workflowType, taskQueue: p.taskQueue, startTime: now, executionTime: now + p.backoffMs,
    closeTime: 0, startRequestId: p.requestId, nextEventId: 1, historySizeBytes: 0, lastCompletedWftStartedId: 0,
    wft: { state: 'none', scheduledId: 0, startedId: 0, attempt: 1, scheduledAt: 0, availableAt: now + p.backoffMs, startedAt: 0, queue: p.taskQueue, stickyDeadline: 0, timeoutMs: wftTimeout(p.wftTimeoutMs), requestId: '', speculative: false, sizeBefore: 0 },
    sticky: null, buffered: [], activities: {}, timers: {}, children: {}, updates: {}, requestIds: [],
    runDeadline: runTimeoutMs > 0 ? now + p.backoffMs + runTimeoutMs : 0, execDeadline: expiration,
    parent: p.parent, memo: p.memo ?? {}, searchAttributes: {}, cancelRequested: false, nextRunId: '',
    runTimeoutMs, attempt: p.attempt,
  };
  if (s.runDeadline && expiration) s.runDeadline = Math.min(s.runDeadline, expiration);
  const run: Run = { s, events: [] };
  eng.addRun(run);
  mergeSearchAttributes(run, p.searchAttributes);
  eng.append(run, 'WorkflowExecutionStarted', startedAttrs(p, runId, s, expiration));
  for (const e of p.initialEvents ?? []) eng.append(run, e.type, e.attrs);
  scheduleWft(eng, run);
  return run;
}

function startedAttrs(p: NewRun, runId: string, s: RunState, expiration: number): Msg {
  const parent = p.parent;
  return {
    workflowType: { name: p.workflowType },
    parentWorkflowNamespace: parent?.namespace,
    parentWorkflowExecution: parent ? { workflowId: parent.workflowId, runId: parent.runId } : undefined,
    parentInitiatedEventId: parent?.initiatedId,
    taskQueue: { name: p.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    input: p.input,
    workflowExecutionTimeout: dur(p.execTimeoutMs),
    workflowRunTimeout: dur(s.runTimeoutMs),
    workflowTaskTimeout: dur(s.wft.timeoutMs),
    continuedExecutionRunId: p.continuedRunId,
    initiator: p.initiator,
    continuedFailure: p.continuedFailure,
    lastCompletionResult: p.lastCompletionResult,
    originalExecutionRunId: runId,
    identity: p.identity,
    firstExecutionRunId: s.firstRunId,
    retryPolicy: p.retryPolicy,
    attempt: p.attempt,
    workflowExecutionExpirationTime: expiration ? ts(expiration) : undefined,
    cronSchedule: p.cronSchedule,
    firstWorkflowTaskBackoff: p.backoffMs > 0 ? dur(p.backoffMs) : undefined,
    memo: p.memo,
    searchAttributes: p.searchAttributes,
    header: p.header,
    rootWorkflowExecution: p.rootExecution ?? { workflowId: p.workflowId, runId },
    priority: p.priority,
  };
}

/** The WorkflowExecutionStarted attributes of a run. */
export function startedOf(run: Run): Msg {
  return (run.events[0]?.workflowExecutionStartedEventAttributes ?? {}) as Msg;
}
