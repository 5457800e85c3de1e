/**
 * Conformance: timers and signals (reference §6.3, §6.5 buffering, §7).
 */
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { eventually, runToEnd, track, uniqueId, uniqueQueue, useConformance, withWorker } from './helpers.js';
import type { Conformance } from './helpers.js';
import { attrsOf, decodePayloads, durationMs, encodePayloads, eventId, eventNames, eventsNamed, historyOf, msBetween, onlyEvent } from './history.js';

const WFT = ['WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted'];

let c: Conformance;
useConformance('timer-signal-workflows', (env) => (c = env));

function signalInputs(history: Parameters<typeof eventsNamed>[0]): unknown[] {
  return eventsNamed(history, 'WorkflowExecutionSignaled').map((e) => decodePayloads(attrsOf(e).input as never)[0]);
}

describe('timers', () => {
  it('fires a timer no earlier than its duration', async () => {
    const { result, history } = await runToEnd<string>(c, 'timerFires', [700]);
    expect(result).toBe('fired');
    const wait = msBetween(onlyEvent(history, 'TimerStarted'), onlyEvent(history, 'TimerFired'));
    expect(wait).toBeGreaterThanOrEqual(700);
    expect(wait).toBeLessThan(2_000);
    expect(eventNames(history)).toEqual([
      'WorkflowExecutionStarted', ...WFT, 'TimerStarted', 'TimerFired', ...WFT, 'WorkflowExecutionCompleted',
    ]);
    const started = onlyEvent(history, 'TimerStarted');
    expect(durationMs(attrsOf(started).startToFireTimeout as never)).toBe(700);
    const fired = attrsOf(onlyEvent(history, 'TimerFired'));
    expect(fired.timerId).toBe(attrsOf(started).timerId);
    expect(Number(fired.startedEventId)).toBe(eventId(started));
  });

  it('cancels a timer so that it never fires', async () => {
    const { result, history } = await runToEnd<string>(c, 'timerCancelled', []);
    expect(result).toBe('long timer cancelled');
    expect(eventNames(history)).toEqual([
      'WorkflowExecutionStarted', ...WFT, 'TimerStarted', 'TimerStarted', 'TimerFired', ...WFT, 'TimerCanceled',
      'WorkflowExecutionCompleted',
    ]);
    const [long] = eventsNamed(history, 'TimerStarted');
    const canceled = attrsOf(onlyEvent(history, 'TimerCanceled'));
    expect(canceled.timerId).toBe(attrsOf(long!).timerId);
    expect(Number(canceled.startedEventId)).toBe(eventId(long));
  });

  it('fires 300 concurrent timers exactly once each', async () => {
    const { result, history } = await runToEnd<number>(c, 'manyTimers', [300]);
    expect(result).toBe(300);
    const started = eventsNamed(history, 'TimerStarted');
    const fired = eventsNamed(history, 'TimerFired');
    expect(started).toHaveLength(300);
    expect(fired).toHaveLength(300);
    expect(new Set(started.map((e) => attrsOf(e).timerId)).size).toBe(300);
    const startedIds = new Set(started.map(eventId));
    const firedFor = fired.map((e) => Number(attrsOf(e).startedEventId));
    expect(new Set(firedFor).size).toBe(300);
    expect(firedFor.every((id) => startedIds.has(id))).toBe(true);
  });
});

describe('signals', () => {
  it('signalWithStart writes the signal right after Started, and signals a running run again', async () => {
    const taskQueue = uniqueQueue('sws');
    const workflowId = uniqueId('sws');
    const first = await c.client.workflow.signalWithStart('collectSignals', { workflowId, taskQueue, signal: 'add', signalArgs: ['first'] });
    track(c, workflowId, first.signaledRunId);
    const second = await c.client.workflow.signalWithStart('collectSignals', { workflowId, taskQueue, signal: 'add', signalArgs: ['second'] });
    expect(second.signaledRunId).toBe(first.signaledRunId);
    await first.signal('add', 'stop');
    const result = await withWorker(c, taskQueue, () => first.result());
    expect(result).toEqual(['first', 'second', 'stop']);
    const history = await historyOf(c.client, workflowId);
    expect(eventNames(history)).toEqual([
      'WorkflowExecutionStarted', 'WorkflowExecutionSignaled', 'WorkflowTaskScheduled', 'WorkflowExecutionSignaled',
      'WorkflowExecutionSignaled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted', 'WorkflowExecutionCompleted',
    ]);
    expect(signalInputs(history)).toEqual(['first', 'second', 'stop']);
  });

  it('buffers a signal that arrives while a workflow task is running', async () => {
    const key = uniqueId('la');
    const { result, history } = await runToEnd<string[]>(c, 'localActivityThenSignals', [key, 2_500, 1], {
      during: async (handle) => {
        const deadline = Date.now() + 10_000;
        while (c.log.of(key).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(c.log.of(key)).toHaveLength(1);
        await handle.signal('add', 'during-task');
      },
    });
    expect(result).toEqual(['during-task']);
    expect(eventNames(history)).toEqual([
      'WorkflowExecutionStarted', ...WFT, 'MarkerRecorded', 'WorkflowExecutionSignaled', ...WFT, 'WorkflowExecutionCompleted',
    ]);
  });

  it('keeps a long local activity alive with workflow-task heartbeats instead of timing the task out', async () => {
    const key = uniqueId('la-heartbeat');
    const { result, history } = await runToEnd<string[]>(c, 'localActivityThenSignals', [key, 3_000, 0], {
      start: { workflowTaskTimeout: '2s' },
    });
    expect(result).toEqual([]);
    const names = eventNames(history);
    expect(names).not.toContain('WorkflowTaskTimedOut');
    expect(names).not.toContain('WorkflowTaskFailed');
    expect(eventsNamed(history, 'MarkerRecorded')).toHaveLength(1);
    // why: core completes the open task at 80 % of its timeout with force_create_new_workflow_task (§6.5 step 7)
    const beforeMarker = names.slice(0, names.indexOf('MarkerRecorded'));
    expect(beforeMarker.filter((n) => n === 'WorkflowTaskCompleted').length).toBeGreaterThanOrEqual(2);
    expect(c.log.of(key)).toHaveLength(1);
  });

  it('signalWithStart on a closed workflow id starts a new run that gets the signal', async () => {
    const taskQueue = uniqueQueue('sws-closed');
    const workflowId = uniqueId('sws-closed');
    const first = await c.client.workflow.signalWithStart('collectSignals', { workflowId, taskQueue, signal: 'add', signalArgs: ['stop'] });
    track(c, workflowId, first.signaledRunId);
    await withWorker(c, taskQueue, async () => {
      expect(await first.result()).toEqual(['stop']);
      const second = await c.client.workflow.signalWithStart('collectSignals', { workflowId, taskQueue, signal: 'add', signalArgs: ['stop'] });
      track(c, workflowId, second.signaledRunId);
      expect(second.signaledRunId).not.toBe(first.signaledRunId);
      expect(await c.client.workflow.getHandle(workflowId, second.signaledRunId).result()).toEqual(['stop']);
    });
  });

  it('terminates a workflow while its workflow task is running', async () => {
    const taskQueue = uniqueQueue('terminate-busy');
    const key = uniqueId('terminate-busy');
    const handle = await c.client.workflow.start('localActivityThenSignals', { workflowId: uniqueId('terminate-busy'), taskQueue, args: [key, 2_500, 1] });
    track(c, handle.workflowId, handle.firstExecutionRunId);
    await withWorker(c, taskQueue, async () => {
      await eventually(async () => (c.log.of(key).length > 0 ? true : undefined), 10_000, 'local activity start');
      await handle.terminate('while busy');
      await new Promise((r) => setTimeout(r, 3_000)); // let the worker try to complete the dead task
    });
    const history = await historyOf(c.client, handle.workflowId);
    // §6.3 TerminateWorkflowExecution: the started task is failed first, then the run is closed
    expect(eventNames(history)).toEqual([
      'WorkflowExecutionStarted', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskFailed', 'WorkflowExecutionTerminated',
    ]);
    expect(attrsOf(onlyEvent(history, 'WorkflowTaskFailed')).cause).toBe(
      temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
    );
  });

  it('dedupes a signal sent twice with the same request id', async () => {
    const taskQueue = uniqueQueue('dedupe');
    const handle = await c.client.workflow.start('collectSignals', { workflowId: uniqueId('dedupe'), taskQueue });
    track(c, handle.workflowId, handle.firstExecutionRunId);
    const request = {
      namespace: 'default',
      workflowExecution: { workflowId: handle.workflowId },
      signalName: 'add',
      input: encodePayloads('once'),
      identity: 'conformance',
      requestId: randomUUID(),
    };
    await c.client.workflowService.signalWorkflowExecution(request);
    await c.client.workflowService.signalWorkflowExecution(request);
    await handle.signal('add', 'stop');
    const result = await withWorker(c, taskQueue, () => handle.result());
    expect(result).toEqual(['once', 'stop']);
    expect(signalInputs(await historyOf(c.client, handle.workflowId))).toEqual(['once', 'stop']);
  });

  it('delivers 50 concurrent signals to a running workflow exactly once each, in history order', async () => {
    const taskQueue = uniqueQueue('storm');
    const handle = await c.client.workflow.start('collectSignals', { workflowId: uniqueId('storm'), taskQueue });
    track(c, handle.workflowId, handle.firstExecutionRunId);
    const values = Array.from({ length: 50 }, (_, i) => `s${i}`);
    const result = await withWorker(c, taskQueue, async () => {
      await Promise.all(values.map((v) => handle.signal('add', v)));
      await handle.signal('add', 'stop');
      return handle.result();
    });
    expect([...(result as string[])].sort()).toEqual([...values, 'stop'].sort());
    expect((result as string[]).at(-1)).toBe('stop');
    expect(signalInputs(await historyOf(c.client, handle.workflowId))).toEqual(result);
  });
});
