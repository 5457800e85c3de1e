/**
 * Conformance: child workflows and signals or cancellation of external workflows (reference §6.5
 * phase-2 commands, histories/signal_workflow_1_13_1.json for shapes).
 */
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure, TerminatedFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { eventually, runToEnd, track, uniqueId, uniqueQueue, useConformance, withWorker } from './helpers.js';
import type { Conformance } from './helpers.js';
import { attrsOf, decodePayloads, eventId, eventNames, historyOf, onlyEvent, withoutWorkflowTasks } from './history.js';
import type { History } from './history.js';

const { StartChildWorkflowExecutionFailedCause, SignalExternalWorkflowExecutionFailedCause } = temporal.api.enums.v1;

let c: Conformance;
useConformance('child-workflows', (env) => (c = env));

/** Names of the meaningful events, in order, without the workflow-task bookkeeping. */
function story(h: History): string[] {
  return withoutWorkflowTasks(eventNames(h));
}

async function startBlocking(type: string, taskQueue: string, workflowId = uniqueId(type)) {
  const h = await c.client.workflow.start(type, { taskQueue, workflowId });
  track(c, h.workflowId, h.firstExecutionRunId);
  return h;
}

describe('child workflows', () => {
  it('runs a child to completion and links parent and child', async () => {
    const childId = uniqueId('child');
    const { handle, result, history } = await runToEnd<string>(c, 'parentOfEcho', [childId]);
    track(c, childId);
    expect(result).toBe('child says hi');
    expect(story(history)).toEqual([
      'WorkflowExecutionStarted', 'StartChildWorkflowExecutionInitiated', 'ChildWorkflowExecutionStarted',
      'ChildWorkflowExecutionCompleted', 'WorkflowExecutionCompleted',
    ]);
    const initiated = onlyEvent(history, 'StartChildWorkflowExecutionInitiated');
    const done = attrsOf(onlyEvent(history, 'ChildWorkflowExecutionCompleted'));
    expect(Number(done.initiatedEventId)).toBe(eventId(initiated));
    expect(Number(done.startedEventId)).toBe(eventId(onlyEvent(history, 'ChildWorkflowExecutionStarted')));
    expect(decodePayloads(done.result as never)).toEqual(['child says hi']);
    const childStarted = attrsOf((await historyOf(c.client, childId)).events![0]!);
    expect(childStarted).toMatchObject({ parentWorkflowExecution: { workflowId: handle.workflowId, runId: handle.firstExecutionRunId } });
    expect(Number(childStarted.parentInitiatedEventId)).toBe(eventId(initiated));
  });

  it('reports a failed child to the parent as ChildWorkflowFailure', async () => {
    const childId = uniqueId('child');
    const { result, history } = await runToEnd<string>(c, 'parentOfFailure', [childId]);
    track(c, childId);
    expect(result).toBe('ApplicationFailure: child broke');
    expect(story(history)).toContain('ChildWorkflowExecutionFailed');
    expect(eventNames(await historyOf(c.client, childId)).at(-1)).toBe('WorkflowExecutionFailed');
  });

  it('reports a child run timeout to the parent as ChildWorkflowExecutionTimedOut', async () => {
    const childId = uniqueId('child');
    const { result, history } = await runToEnd<string>(c, 'parentOfSlowChild', [childId]);
    track(c, childId);
    expect(result).toBe('TimeoutFailure');
    expect(story(history)).toContain('ChildWorkflowExecutionTimedOut');
    expect(eventNames(await historyOf(c.client, childId)).at(-1)).toBe('WorkflowExecutionTimedOut');
  });

  it('cancels a child and waits for the child to end Canceled', async () => {
    const childId = uniqueId('child');
    const { result, history } = await runToEnd<string>(c, 'parentCancelsChild', [childId]);
    track(c, childId);
    expect(result).toBe('child cancelled');
    const s = story(history);
    const order = ['RequestCancelExternalWorkflowExecutionInitiated', 'ExternalWorkflowExecutionCancelRequested', 'ChildWorkflowExecutionCanceled', 'WorkflowExecutionCompleted'];
    const positions = order.map((n) => s.indexOf(n));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const childStory = story(await historyOf(c.client, childId));
    expect(childStory).toEqual(['WorkflowExecutionStarted', 'WorkflowExecutionCancelRequested', 'WorkflowExecutionCanceled']);
  });

  it('terminates a child when its parent closes under the TERMINATE policy', async () => {
    const childId = uniqueId('child');
    await runToEnd<string>(c, 'parentLeavesChild', [childId, 'TERMINATE']);
    track(c, childId);
    const child = c.client.workflow.getHandle(childId);
    const err = await child.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    expect(eventNames(await child.fetchHistory()).at(-1)).toBe('WorkflowExecutionTerminated');
  });

  it('requests cancellation of a child when its parent closes under the REQUEST_CANCEL policy', async () => {
    const childId = uniqueId('child');
    await runToEnd<string>(c, 'parentLeavesChild', [childId, 'REQUEST_CANCEL'], {
      during: async () => {
        const closed = async () => ((await c.client.workflow.getHandle(childId).describe().catch(() => undefined))?.status.name === 'CANCELLED' ? true : undefined);
        await eventually(closed, 15_000, 'child cancelled');
      },
    });
    track(c, childId);
    expect(story(await historyOf(c.client, childId))).toEqual(['WorkflowExecutionStarted', 'WorkflowExecutionCancelRequested', 'WorkflowExecutionCanceled']);
  });

  it('leaves a child running when its parent closes under the ABANDON policy', async () => {
    const childId = uniqueId('child');
    await runToEnd<string>(c, 'parentLeavesChild', [childId, 'ABANDON']);
    track(c, childId);
    const child = c.client.workflow.getHandle(childId);
    await new Promise((r) => setTimeout(r, 500));
    expect((await child.describe()).status.name).toBe('RUNNING');
    await child.terminate('cleanup');
  });

  it('fails to start a child whose id is taken, with WORKFLOW_ALREADY_EXISTS', async () => {
    const taskQueue = uniqueQueue('dup-child');
    const taken = await startBlocking('childBlock', taskQueue);
    const { result, history } = await runToEnd<string>(c, 'parentOfDuplicate', [taken.workflowId], { taskQueue });
    expect(result).toBe(`already started: ${taken.workflowId}`);
    expect(story(history)).toEqual([
      'WorkflowExecutionStarted', 'StartChildWorkflowExecutionInitiated', 'StartChildWorkflowExecutionFailed', 'WorkflowExecutionCompleted',
    ]);
    const failed = attrsOf(onlyEvent(history, 'StartChildWorkflowExecutionFailed'));
    expect(failed.cause).toBe(StartChildWorkflowExecutionFailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS);
    await taken.terminate('cleanup');
  });
});

describe('external workflows', () => {
  it('signals another workflow, which receives the signal', async () => {
    const taskQueue = uniqueQueue('ext-signal');
    const target = await startBlocking('signalTarget', taskQueue);
    const parentHandle = await c.client.workflow.start('signalExternal', {
      taskQueue, workflowId: uniqueId('signaller'), args: [target.workflowId, 'hello'],
    });
    track(c, parentHandle.workflowId, parentHandle.firstExecutionRunId);
    await withWorker(c, taskQueue, async () => {
      expect(await parentHandle.result()).toBe('signalled');
      await target.signal('add', 'stop');
      expect(await target.result()).toEqual(['hello', 'stop']);
    });
    const history = await parentHandle.fetchHistory();
    expect(story(history)).toEqual([
      'WorkflowExecutionStarted', 'SignalExternalWorkflowExecutionInitiated', 'ExternalWorkflowExecutionSignaled', 'WorkflowExecutionCompleted',
    ]);
    const signaled = attrsOf(onlyEvent(history, 'ExternalWorkflowExecutionSignaled'));
    expect(Number(signaled.initiatedEventId)).toBe(eventId(onlyEvent(history, 'SignalExternalWorkflowExecutionInitiated')));
  });

  it('fails to signal a workflow that does not exist', async () => {
    const { result, history } = await runToEnd<string>(c, 'signalExternal', [uniqueId('missing'), 'hello']);
    expect(result).toMatch(/^signal failed: /);
    const failed = attrsOf(onlyEvent(history, 'SignalExternalWorkflowExecutionFailed'));
    expect(failed.cause).toBe(SignalExternalWorkflowExecutionFailedCause.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND);
  });

  it('requests cancellation of another workflow, which then ends Canceled', async () => {
    const taskQueue = uniqueQueue('ext-cancel');
    const target = await startBlocking('childBlock', taskQueue);
    const { result, history } = await runToEnd<string>(c, 'cancelExternal', [target.workflowId], {
      taskQueue,
      during: async () => {
        await eventually(async () => ((await target.describe()).status.name !== 'RUNNING' ? true : undefined), 10_000, 'target to close');
      },
    });
    expect(result).toBe('cancel requested');
    expect(story(history)).toEqual([
      'WorkflowExecutionStarted', 'RequestCancelExternalWorkflowExecutionInitiated', 'ExternalWorkflowExecutionCancelRequested',
      'WorkflowExecutionCompleted',
    ]);
    const err = await target.result().catch((e: unknown) => e);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(story(await target.fetchHistory())).toEqual(['WorkflowExecutionStarted', 'WorkflowExecutionCancelRequested', 'WorkflowExecutionCanceled']);
  });
});
