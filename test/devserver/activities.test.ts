/**
 * Conformance: activities (reference §6.6 and §7) driven through the real SDK worker and client.
 */
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { replayHistories, runToEnd, uniqueId, uniqueQueue, useConformance } from './helpers.js';
import type { Conformance } from './helpers.js';
import { assertWellFormed, attrsOf, decodePayloads, durationMs, eventId, eventNames, eventsNamed, msBetween, onlyEvent } from './history.js';
import type { History } from './history.js';
import type { ActivityCall, ActivityOutcome } from './workflows/activity-workflows.js';

const { RetryState, TimeoutType } = temporal.api.enums.v1;
const WFT = ['WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted'];

let c: Conformance;
useConformance('activity-workflows', (env) => (c = env));

function call(activity: ActivityCall['activity'], args: unknown[], options: ActivityCall['options']): ActivityCall {
  return { activity, args, options };
}

/** Fields a real server writes on workflow-task events (histories/otel_v2_smorgasbord_1_18_1.json). */
function expectRealServerTaskShape(history: History): void {
  const [scheduled] = eventsNamed(history, 'WorkflowTaskScheduled');
  expect(attrsOf(scheduled!).attempt).toBe(1);
  expect(durationMs(attrsOf(scheduled!).startToCloseTimeout as never)).toBe(10_000);
  const started = attrsOf(eventsNamed(history, 'WorkflowTaskStarted')[0]!);
  expect(Number(started.historySizeBytes)).toBeGreaterThan(0);
  expect(started.requestId).toBeTruthy();
  const completed = attrsOf(eventsNamed(history, 'WorkflowTaskCompleted')[0]!);
  expect(completed.sdkMetadata).toMatchObject({ sdkName: 'temporal-typescript' });
  expect((completed.sdkMetadata as { coreUsedFlags?: number[] }).coreUsedFlags?.length).toBeGreaterThan(0);
}

async function runActivity(spec: ActivityCall) {
  return runToEnd<ActivityOutcome>(c, 'runActivity', [spec]);
}

describe('activities', () => {
  it('completes an activity with Scheduled, Started and Completed events in order', async () => {
    const key = uniqueId('echo');
    const { result, history } = await runActivity(call('echo', [key, 'hello'], { startToCloseTimeout: '2s' }));
    expect(result).toEqual({ ok: true, result: 'hello' });
    expect(eventNames(history)).toEqual([
      'WorkflowExecutionStarted', ...WFT, 'ActivityTaskScheduled', 'ActivityTaskStarted', 'ActivityTaskCompleted',
      ...WFT, 'WorkflowExecutionCompleted',
    ]);
    const scheduled = attrsOf(onlyEvent(history, 'ActivityTaskScheduled'));
    expect(scheduled).toMatchObject({ activityId: '1', activityType: { name: 'echo' } });
    expect(Number(scheduled.workflowTaskCompletedEventId)).toBe(4);
    const started = attrsOf(onlyEvent(history, 'ActivityTaskStarted'));
    expect([Number(started.scheduledEventId), started.attempt]).toEqual([5, 1]);
    const completed = attrsOf(onlyEvent(history, 'ActivityTaskCompleted'));
    expect([Number(completed.scheduledEventId), Number(completed.startedEventId)]).toEqual([5, 6]);
    expect(decodePayloads(completed.result as never)).toEqual(['hello']);
    expectRealServerTaskShape(history);
  });

  it('retries with exponential backoff and writes no events for failed attempts', async () => {
    const key = uniqueId('flaky');
    const retry = { initialInterval: '300ms', backoffCoefficient: 2, maximumAttempts: 5 };
    const { result, history } = await runActivity(call('failUntilAttempt', [key, 3], { startToCloseTimeout: '2s', retry }));
    expect(result).toEqual({ ok: true, result: 3 });
    const runs = c.log.of(key);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    const gaps = [runs[1]!.at - runs[0]!.at, runs[2]!.at - runs[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(270);
    expect(gaps[1]).toBeGreaterThanOrEqual(540);
    expect(gaps[1]).toBeLessThan(5_000);
    expect(eventsNamed(history, 'ActivityTaskScheduled')).toHaveLength(1);
    expect(eventsNamed(history, 'ActivityTaskFailed')).toHaveLength(0);
    const started = attrsOf(onlyEvent(history, 'ActivityTaskStarted'));
    expect(started.attempt).toBe(3);
    expect((started.lastFailure as { message?: string }).message).toBe('attempt 2 failed');
  });

  it.each([
    { name: 'non-retryable flag', type: 'BadInput', nonRetryable: true, retry: { maximumAttempts: 5 }, attempts: 1, state: 'NON_RETRYABLE_FAILURE' },
    { name: 'nonRetryableErrorTypes', type: 'Fatal', nonRetryable: false, retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['Fatal'] }, attempts: 1, state: 'NON_RETRYABLE_FAILURE' },
    { name: 'maximum attempts', type: 'Flaky', nonRetryable: false, retry: { maximumAttempts: 2, initialInterval: '100ms' }, attempts: 2, state: 'MAXIMUM_ATTEMPTS_REACHED' },
  ])('fails an activity for good by $name', async ({ type, nonRetryable, retry, attempts, state }) => {
    const key = uniqueId('fail');
    const { result, history } = await runActivity(call('failWith', [key, type, nonRetryable], { startToCloseTimeout: '2s', retry }));
    expect(result).toMatchObject({ ok: false, failureType: type, retryState: state });
    expect(c.log.of(key)).toHaveLength(attempts);
    const failed = attrsOf(onlyEvent(history, 'ActivityTaskFailed'));
    expect(failed.retryState).toBe(RetryState[`RETRY_STATE_${state}` as keyof typeof RetryState]);
    expect((failed.failure as { message?: string }).message).toBe(`failed with ${type}`);
    expect(attrsOf(onlyEvent(history, 'ActivityTaskStarted')).attempt).toBe(attempts);
    expect(eventNames(history).at(-1)).toBe('WorkflowExecutionCompleted');
  });

  it('hands heartbeat details of a failed attempt to the next attempt', async () => {
    const key = uniqueId('hb-details');
    const retry = { initialInterval: '100ms', maximumAttempts: 3 };
    const { result } = await runActivity(call('heartbeatThenFail', [key], { startToCloseTimeout: '2s', retry }));
    expect(result).toEqual({ ok: true, result: { progress: 42 } });
    expect(c.log.of(key).map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('times an activity out on a missed heartbeat and reports the last details', async () => {
    const key = uniqueId('hb-timeout');
    const { result, history } = await runActivity(
      call('heartbeatOnceThenStall', [key, 8_000], { startToCloseTimeout: '10s', heartbeatTimeout: '1s', retry: { maximumAttempts: 1 } }),
    );
    expect(result).toMatchObject({ ok: false, timeoutType: 'HEARTBEAT', lastHeartbeatDetails: { stage: 'stalled' } });
    // server clock: the 1 s heartbeat timeout ends it, not the 10 s start-to-close or the 8 s stall
    expect(msBetween(onlyEvent(history, 'ActivityTaskScheduled'), onlyEvent(history, 'ActivityTaskTimedOut'))).toBeLessThan(5_000);
    const timedOut = attrsOf(onlyEvent(history, 'ActivityTaskTimedOut'));
    const info = (timedOut.failure as { timeoutFailureInfo?: { timeoutType?: number } }).timeoutFailureInfo;
    expect(info?.timeoutType).toBe(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    expect(eventNames(history)).toContain('ActivityTaskStarted');
  });

  it('keeps heartbeat details across a heartbeat timeout for the next attempt', async () => {
    const key = uniqueId('hb-retry');
    const retry = { maximumAttempts: 2, initialInterval: '100ms' };
    const { result, history } = await runActivity(call('heartbeatOnceThenStall', [key, 8_000], { startToCloseTimeout: '10s', heartbeatTimeout: '1s', retry }));
    expect(result).toEqual({ ok: true, result: { stage: 'stalled' } });
    const started = attrsOf(onlyEvent(history, 'ActivityTaskStarted'));
    expect(started.attempt).toBe(2);
    const last = started.lastFailure as { timeoutFailureInfo?: { timeoutType?: number } };
    expect(last.timeoutFailureInfo?.timeoutType).toBe(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
  });

  it('times an attempt out at start-to-close, retries, then gives up after maximum attempts', async () => {
    const key = uniqueId('stc');
    const { result, history } = await runActivity(
      call('sleepFor', [key, 8_000], { startToCloseTimeout: '1s', retry: { maximumAttempts: 2, initialInterval: '100ms' } }),
    );
    expect(result).toMatchObject({ ok: false, timeoutType: 'START_TO_CLOSE', retryState: 'MAXIMUM_ATTEMPTS_REACHED' });
    expect(c.log.of(key).map((r) => r.attempt)).toEqual([1, 2]);
    expect(attrsOf(onlyEvent(history, 'ActivityTaskStarted')).attempt).toBe(2);
    expect(attrsOf(onlyEvent(history, 'ActivityTaskTimedOut')).retryState).toBe(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
  });

  it('times an activity out at schedule-to-start when no worker polls its queue', async () => {
    const key = uniqueId('sts');
    const opts = { taskQueue: uniqueQueue('nobody'), scheduleToStartTimeout: '1s', startToCloseTimeout: '5s' };
    const { result, history } = await runActivity(call('echo', [key, 'never'], opts));
    expect(result).toMatchObject({ ok: false, timeoutType: 'SCHEDULE_TO_START' });
    expect(c.log.of(key)).toHaveLength(0);
    expect(eventNames(history)).not.toContain('ActivityTaskStarted');
    const timedOut = attrsOf(onlyEvent(history, 'ActivityTaskTimedOut'));
    expect(timedOut.retryState).toBe(RetryState.RETRY_STATE_TIMEOUT);
  });

  it('times an activity out at schedule-to-close across attempts', async () => {
    const key = uniqueId('stclose');
    const opts = { scheduleToCloseTimeout: '1500ms', startToCloseTimeout: '1s', retry: { initialInterval: '100ms' } };
    const { result, history } = await runActivity(call('sleepFor', [key, 8_000], opts));
    expect(result).toMatchObject({ ok: false, timeoutType: 'SCHEDULE_TO_CLOSE', retryState: 'TIMEOUT' });
    const elapsed = msBetween(onlyEvent(history, 'ActivityTaskScheduled'), onlyEvent(history, 'ActivityTaskTimedOut'));
    expect(elapsed).toBeGreaterThanOrEqual(1_500);
    expect(elapsed).toBeLessThan(3_000);
    expect(c.log.of(key).length).toBeGreaterThanOrEqual(2);
    expect(eventsNamed(history, 'ActivityTaskTimedOut')).toHaveLength(1);
  });
});

function cloneHistory(h: History): History {
  const { History: HistoryMessage } = temporal.api.history.v1;
  return HistoryMessage.decode(HistoryMessage.encode(h).finish());
}

describe('async activity completion', () => {
  it('completes an activity by workflow id and activity id after a heartbeat by id', async () => {
    const key = uniqueId('async');
    const { result, history } = await runToEnd<ActivityOutcome>(c, 'runActivity', [call('completeLater', [key], { startToCloseTimeout: '10s', retry: { maximumAttempts: 1 } })], {
      during: async (handle) => {
        const deadline = Date.now() + 10_000;
        while (c.log.of(key).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
        const id = { workflowId: handle.workflowId, activityId: '1' };
        await c.client.activity.heartbeat(id, { progress: 'half' });
        const [pending] = (await handle.describe()).raw.pendingActivities ?? [];
        expect(decodePayloads(pending?.heartbeatDetails)).toEqual([{ progress: 'half' }]);
        await c.client.activity.complete(id, 'done elsewhere');
        await expect(c.client.activity.complete(id, 'twice')).rejects.toThrow();
      },
    });
    expect(result).toEqual({ ok: true, result: 'done elsewhere' });
    const completed = attrsOf(onlyEvent(history, 'ActivityTaskCompleted'));
    expect(decodePayloads(completed.result as never)).toEqual(['done elsewhere']);
  });
});

describe('the replay check itself', () => {
  it('fails on a tampered history, so a passing replay means something', async () => {
    const { history } = await runActivity(call('echo', [uniqueId('tamper'), 'x'], { startToCloseTimeout: '2s' }));
    const tampered = cloneHistory(history);
    const scheduled = tampered.events!.find((e) => e.activityTaskScheduledEventAttributes)!;
    scheduled.activityTaskScheduledEventAttributes!.activityType = { name: 'notTheActivityTheCodeCalls' };
    await expect(replayHistories(c.bundle, [{ workflowId: 'tampered', history: tampered }])).rejects.toThrow(/replay failed/);
    const gap = cloneHistory(history);
    gap.events!.splice(5, 1);
    expect(() => assertWellFormed(gap)).toThrow(/has id/);
  });
});

describe('activity cancellation', () => {
  async function cancelWith(cancellationType: 'TRY_CANCEL' | 'WAIT_CANCELLATION_COMPLETED' | 'ABANDON') {
    const key = uniqueId(`cancel-${cancellationType}`);
    const spec = call('heartbeatUntilCancelled', [key], {
      startToCloseTimeout: '10s', heartbeatTimeout: '1s', retry: { maximumAttempts: 1 }, cancellationType,
    });
    const run = await runToEnd<string>(c, 'cancelActivity', [spec], {
      during: async (handle) => {
        await waitForLog(key, 'run');
        await handle.signal('cancelActivity');
      },
    });
    return { key, ...run };
  }

  async function waitForLog(key: string, note: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!c.log.of(key).some((r) => r.note === note)) {
      if (Date.now() > deadline) throw new Error(`activity \`${key}\` never logged \`${note}\``);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('TRY_CANCEL records the cancel request and lets the workflow finish at once', async () => {
    const { result, history } = await cancelWith('TRY_CANCEL');
    expect(result).toBe('cancelled');
    expect(eventNames(history)).toEqual([
      'WorkflowExecutionStarted', ...WFT, 'ActivityTaskScheduled', 'WorkflowExecutionSignaled', ...WFT,
      'ActivityTaskCancelRequested', 'WorkflowExecutionCompleted',
    ]);
    expect(Number(attrsOf(onlyEvent(history, 'ActivityTaskCancelRequested')).scheduledEventId)).toBe(5);
  });

  it('WAIT_CANCELLATION_COMPLETED waits for the activity to acknowledge the cancellation', async () => {
    const { key, result, history } = await cancelWith('WAIT_CANCELLATION_COMPLETED');
    expect(result).toBe('cancelled');
    expect(c.log.of(key).map((r) => r.note)).toEqual(['run', 'cancelled']);
    expect(eventNames(history)).toEqual([
      'WorkflowExecutionStarted', ...WFT, 'ActivityTaskScheduled', 'WorkflowExecutionSignaled', ...WFT,
      'ActivityTaskCancelRequested', 'ActivityTaskStarted', 'ActivityTaskCanceled', ...WFT, 'WorkflowExecutionCompleted',
    ]);
    const canceled = attrsOf(onlyEvent(history, 'ActivityTaskCanceled'));
    expect(Number(canceled.latestCancelRequestedEventId)).toBe(eventId(onlyEvent(history, 'ActivityTaskCancelRequested')));
    expect(Number(canceled.scheduledEventId)).toBe(5);
    expect(Number(canceled.startedEventId)).toBe(eventId(onlyEvent(history, 'ActivityTaskStarted')));
  });

  it('ABANDON writes no cancellation events at all', async () => {
    const { result, history } = await cancelWith('ABANDON');
    expect(result).toBe('cancelled');
    expect(eventNames(history)).toEqual([
      'WorkflowExecutionStarted', ...WFT, 'ActivityTaskScheduled', 'WorkflowExecutionSignaled', ...WFT,
      'WorkflowExecutionCompleted',
    ]);
  });
});
