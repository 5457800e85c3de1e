/**
 * @module Per-run mutable state. Everything here is plain JSON: the store persists it as one blob per
 * run, and on restart the task queues and deadlines are rebuilt from it (nothing else is needed).
 */
import type { Msg } from '../proto.js';

export type ExecutionStatus = 'Running' | 'Completed' | 'Failed' | 'Canceled' | 'Terminated' | 'ContinuedAsNew' | 'TimedOut';

export interface WftState {
  state: 'none' | 'scheduled' | 'started';
  scheduledId: number;
  startedId: number;
  attempt: number;
  scheduledAt: number;
  /** First workflow task delayed by `workflow_start_delay`: not dispatchable before this time. */
  availableAt: number;
  startedAt: number;
  /** Queue the scheduled task sits on (sticky or normal). */
  queue: string;
  stickyDeadline: number;
  timeoutMs: number;
  requestId: string;
  /** Scheduled only to deliver an update: discarded (events removed) if the update is rejected. */
  speculative: boolean;
  /** History size before a speculative task, restored when it is discarded. */
  sizeBefore: number;
}

export interface ActivityState {
  scheduledId: number;
  activityId: string;
  activityType: string;
  taskQueue: string;
  attrs: Msg;
  state: 'scheduled' | 'started' | 'backoff';
  attempt: number;
  firstScheduledAt: number;
  attemptScheduledAt: number;
  startedAt: number;
  lastHeartbeatAt: number;
  heartbeatDetails?: Msg;
  lastFailure?: Msg;
  lastWorkerIdentity: string;
  startedIdentity: string;
  startedRequestId: string;
  cancelRequestedId: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  scheduleToCloseMs: number;
  heartbeatMs: number;
  retryAt: number;
}

export interface TimerState {
  timerId: string;
  startedId: number;
  fireAt: number;
}

export interface ChildState {
  initiatedId: number;
  namespace: string;
  workflowId: string;
  workflowType: string;
  runId: string;
  startedId: number;
  parentClosePolicy: string;
}

export interface UpdateState {
  updateId: string;
  request: Msg;
  stage: 'admitted' | 'delivered' | 'accepted' | 'completed';
  acceptedEventId: number;
  outcome?: Msg;
  /** WFT scheduled id the request was delivered with (its sequencing event). */
  sequencingEventId: number;
}

export interface ParentRef {
  namespace: string;
  workflowId: string;
  runId: string;
  initiatedId: number;
}

export interface RunState {
  namespace: string;
  workflowId: string;
  runId: string;
  firstRunId: string;
  /** Monotonic start order; the current run of a workflow id is the one with the highest. */
  seq: number;
  status: ExecutionStatus;
  workflowType: string;
  taskQueue: string;
  startTime: number;
  executionTime: number;
  closeTime: number;
  startRequestId: string;
  nextEventId: number;
  historySizeBytes: number;
  lastCompletedWftStartedId: number;
  wft: WftState;
  sticky: { queue: string; timeoutMs: number } | null;
  buffered: { type: string; attrs: Msg }[];
  activities: Record<string, ActivityState>;
  timers: Record<string, TimerState>;
  children: Record<string, ChildState>;
  updates: Record<string, UpdateState>;
  requestIds: string[];
  runDeadline: number;
  execDeadline: number;
  parent: ParentRef | null;
  memo: Msg;
  searchAttributes: Msg;
  cancelRequested: boolean;
  /** Run id of the next run in a retry or continue-as-new chain. */
  nextRunId: string;
  runTimeoutMs: number;
  attempt: number;
}

export function runKey(ns: string, runId: string): string {
  return `${ns}/${runId}`;
}

export function wfKey(ns: string, workflowId: string): string {
  return `${ns}/${workflowId}`;
}
