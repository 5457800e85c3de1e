/**
 * @module Workflows for child-workflow and external-workflow scenarios.
 */
import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  ParentClosePolicy,
  condition,
  defineSignal,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  setHandler,
  startChild,
} from '@temporalio/workflow';

export const addSignal = defineSignal<[string]>('add');

export async function childEcho(value: string): Promise<string> {
  return `child says ${value}`;
}

export async function childFail(message: string): Promise<never> {
  throw ApplicationFailure.nonRetryable(message, 'ChildBroke');
}

/** Waits until cancelled or terminated; on cancellation it rethrows, so the run ends Canceled. */
export async function childBlock(): Promise<never> {
  await condition(() => false);
  throw ApplicationFailure.nonRetryable('unreachable');
}

/** Collects `add` signals until one equals `stop`. */
export async function signalTarget(): Promise<string[]> {
  const received: string[] = [];
  setHandler(addSignal, (v) => void received.push(v));
  await condition(() => received.includes('stop'));
  return received;
}

export async function parentOfEcho(childId: string): Promise<string> {
  return executeChild(childEcho, { workflowId: childId, args: ['hi'] });
}

export async function parentOfFailure(childId: string): Promise<string> {
  try {
    await executeChild(childFail, { workflowId: childId, args: ['child broke'] });
    return 'child completed';
  } catch (err) {
    if (err instanceof ChildWorkflowFailure) return `${err.cause?.name}: ${err.cause?.message}`;
    throw err;
  }
}

/** Starts a blocking child, then cancels it and waits for the cancellation to complete. */
export async function parentCancelsChild(childId: string): Promise<string> {
  const scope = new CancellationScope();
  const child = await scope.run(() => startChild(childBlock, { workflowId: childId }));
  scope.cancel();
  try {
    await child.result();
    return 'child completed';
  } catch (err) {
    if (err instanceof ChildWorkflowFailure && isCancellation(err.cause)) return 'child cancelled';
    throw err;
  }
}

/** Starts a blocking child and returns at once, leaving the child to its parent-close policy. */
export async function parentLeavesChild(childId: string, policy: 'TERMINATE' | 'ABANDON' | 'REQUEST_CANCEL'): Promise<string> {
  const child = await startChild(childBlock, { workflowId: childId, parentClosePolicy: ParentClosePolicy[policy] });
  return child.firstExecutionRunId;
}

/** Tries to start a child under an id that is already taken. */
export async function parentOfDuplicate(childId: string): Promise<string> {
  try {
    await startChild(childBlock, { workflowId: childId });
    return 'started';
  } catch (err) {
    // why: the error class is not exported to workflow code, so it is told apart by name.
    if ((err as Error).name === 'WorkflowExecutionAlreadyStartedError') return `already started: ${(err as { workflowId?: string }).workflowId}`;
    throw err;
  }
}

export async function signalExternal(targetId: string, value: string): Promise<string> {
  try {
    await getExternalWorkflowHandle(targetId).signal(addSignal, value);
    return 'signalled';
  } catch (err) {
    return `signal failed: ${(err as Error).name}`;
  }
}

export async function cancelExternal(targetId: string): Promise<string> {
  try {
    await getExternalWorkflowHandle(targetId).cancel();
    return 'cancel requested';
  } catch (err) {
    return `cancel failed: ${(err as Error).name}`;
  }
}

/** Runs a child that never finishes under a run timeout and reports how the parent saw it end. */
export async function parentOfSlowChild(childId: string): Promise<string> {
  try {
    await executeChild(childBlock, { workflowId: childId, workflowRunTimeout: '1s' });
    return 'child completed';
  } catch (err) {
    if (err instanceof ChildWorkflowFailure) return `${err.cause?.name}`;
    throw err;
  }
}
