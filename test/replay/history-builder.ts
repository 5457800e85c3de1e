/**
 * @module Writes histories the way a Temporal server records them (JSON spelling of history files):
 * workflow tasks around every command batch, activities as scheduled / started / closed, local
 * activities as `core_local_activity` markers (data and result, as the SDK's core writes them), with
 * payloads through the SDK's default converter, signals, timers, cancellation and the close event.
 */
import { jsonPayload } from '../../replay/history/payloads.js';

type Ev = Record<string, unknown>;
const payloads = (v: unknown) => ({ payloads: [jsonPayload(v)] });

export class HistoryBuilder {
  readonly events: Ev[] = [];
  private t: number;
  private lastWftCompleted = 0;
  private timers = 0;
  /** Activity sequence numbers, shared by activities and local activities as in the SDK's core. */
  private activities = 0;
  private readonly timerEvents = new Map<number, number>();

  constructor(start = '2026-11-20T10:00:00.000Z', private readonly workflowId = 'task-1') {
    this.t = Date.parse(start);
  }

  advance(ms: number): this {
    this.t += ms;
    return this;
  }

  private push(type: string, attrsKey: string, attrs: Ev): number {
    const eventId = this.events.length + 1;
    this.t += 3;
    this.events.push({ eventId: String(eventId), eventTime: new Date(this.t).toISOString(), eventType: `EVENT_TYPE_${type}`, taskId: String(1048576 + eventId), [attrsKey]: attrs });
    return eventId;
  }

  started(input: unknown, workflowType = 'governedTask'): this {
    this.push('WORKFLOW_EXECUTION_STARTED', 'workflowExecutionStartedEventAttributes', {
      workflowType: { name: workflowType }, taskQueue: { name: 'interceptor-tasks', kind: 'TASK_QUEUE_KIND_NORMAL' },
      input: payloads(input), workflowTaskTimeout: '10s', originalExecutionRunId: `run-${this.workflowId}`, identity: 'api@test', attempt: 1, workflowId: this.workflowId,
    });
    return this.workflowTask();
  }

  workflowTask(): this {
    const s = this.push('WORKFLOW_TASK_SCHEDULED', 'workflowTaskScheduledEventAttributes', { taskQueue: { name: 'interceptor-tasks' }, startToCloseTimeout: '10s', attempt: 1 });
    const st = this.push('WORKFLOW_TASK_STARTED', 'workflowTaskStartedEventAttributes', { scheduledEventId: String(s), identity: 'worker@test', historySizeBytes: '1000' });
    this.lastWftCompleted = this.push('WORKFLOW_TASK_COMPLETED', 'workflowTaskCompletedEventAttributes', { scheduledEventId: String(s), startedEventId: String(st), identity: 'worker@test' });
    return this;
  }

  /**
   * One local activity that completed within the current workflow task: a marker holding its data
   * (sequence number, type, attempt, times) and its result. The governed-task worker's local
   * activities return `{ input, output }`, so `result` is what the marker's result holds.
   */
  localActivity(name: string, result: unknown, opts: { attempt?: number; fail?: string } = {}): this {
    const seq = ++this.activities;
    const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });
    const scheduledAt = this.t;
    this.advance(2);
    const data = { seq, attempt: opts.attempt ?? 1, activity_id: String(seq), activity_type: name, complete_time: ts(this.t), backoff: null, original_schedule_time: ts(scheduledAt) };
    this.push('MARKER_RECORDED', 'markerRecordedEventAttributes', {
      markerName: 'core_local_activity',
      details: { ...(opts.fail === undefined ? { result: payloads(result) } : {}), data: payloads(data) },
      workflowTaskCompletedEventId: String(this.lastWftCompleted),
      ...(opts.fail !== undefined ? { failure: { message: opts.fail, source: 'TypeScriptSDK', applicationFailureInfo: { type: 'Error' } } } : {}),
    });
    return this;
  }

  /** One activity call: scheduled, started (with its final attempt, as Temporal writes it) and closed. */
  activity(name: string, input: unknown, result: unknown, opts: { attempt?: number; fail?: string; durationMs?: number; noWorkflowTask?: boolean; tool?: boolean } = {}): this {
    const id = ++this.activities;
    // why two option sets: the workflow runs tools with their own timeouts and retry policy.
    const timeouts = opts.tool
      ? { header: {}, scheduleToCloseTimeout: '0s', scheduleToStartTimeout: '0s', startToCloseTimeout: '120s', heartbeatTimeout: '10s' }
      : { startToCloseTimeout: '30s', heartbeatTimeout: '0s' };
    const retryPolicy = opts.tool
      ? { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 }
      : { initialInterval: '0.200s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 20 };
    const sched = this.push('ACTIVITY_TASK_SCHEDULED', 'activityTaskScheduledEventAttributes', {
      activityId: String(id), activityType: { name }, taskQueue: { name: 'interceptor-tasks', kind: 'TASK_QUEUE_KIND_NORMAL' }, input: payloads(input),
      ...timeouts, workflowTaskCompletedEventId: String(this.lastWftCompleted), retryPolicy,
    });
    this.advance(opts.durationMs ?? 5);
    const started = this.push('ACTIVITY_TASK_STARTED', 'activityTaskStartedEventAttributes', { scheduledEventId: String(sched), identity: 'worker@test', requestId: `r-${id}`, attempt: opts.attempt ?? 1 });
    if (opts.fail !== undefined) {
      this.push('ACTIVITY_TASK_FAILED', 'activityTaskFailedEventAttributes', {
        failure: { message: opts.fail, source: 'TypeScriptSDK', applicationFailureInfo: { type: 'Error' } }, scheduledEventId: String(sched), startedEventId: String(started), retryState: 'RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED',
      });
    } else {
      this.push('ACTIVITY_TASK_COMPLETED', 'activityTaskCompletedEventAttributes', { result: payloads(result), scheduledEventId: String(sched), startedEventId: String(started), identity: 'worker@test' });
    }
    return opts.noWorkflowTask ? this : this.workflowTask();
  }

  timerStarted(ms: number): number {
    const id = ++this.timers;
    this.timerEvents.set(id, this.push('TIMER_STARTED', 'timerStartedEventAttributes', { timerId: String(id), startToFireTimeout: `${ms / 1000}s`, workflowTaskCompletedEventId: String(this.lastWftCompleted) }));
    return id;
  }

  timerFired(timerId: number): this {
    this.push('TIMER_FIRED', 'timerFiredEventAttributes', { timerId: String(timerId), startedEventId: String(this.timerEvents.get(timerId) ?? 0) });
    return this.workflowTask();
  }

  timerCanceled(timerId: number): this {
    this.push('TIMER_CANCELED', 'timerCanceledEventAttributes', { timerId: String(timerId), startedEventId: String(this.timerEvents.get(timerId) ?? 0), workflowTaskCompletedEventId: String(this.lastWftCompleted), identity: 'worker@test' });
    return this;
  }

  signal(name: string, payload: unknown): this {
    this.push('WORKFLOW_EXECUTION_SIGNALED', 'workflowExecutionSignaledEventAttributes', { signalName: name, input: payloads(payload), identity: 'api@test' });
    return this.workflowTask();
  }

  cancelRequested(): this {
    this.push('WORKFLOW_EXECUTION_CANCEL_REQUESTED', 'workflowExecutionCancelRequestedEventAttributes', { identity: 'api@test' });
    return this.workflowTask();
  }

  upsertSearchAttributes(): this {
    this.push('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', 'upsertWorkflowSearchAttributesEventAttributes', { workflowTaskCompletedEventId: String(this.lastWftCompleted), searchAttributes: { indexedFields: {} } });
    return this;
  }

  completed(result: unknown): this {
    this.push('WORKFLOW_EXECUTION_COMPLETED', 'workflowExecutionCompletedEventAttributes', { result: payloads(result), workflowTaskCompletedEventId: String(this.lastWftCompleted) });
    return this;
  }

  build(): { events: Ev[] } {
    return { events: this.events };
  }
}
