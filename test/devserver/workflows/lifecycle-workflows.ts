/**
 * @module Workflows for whole-workflow scenarios: cancellation, termination, continue-as-new,
 * workflow retry, timeouts and id policies.
 */
import { ApplicationFailure, condition, continueAsNew, defineSignal, setHandler, sleep, workflowInfo } from '@temporalio/workflow';

/** Waits until cancelled or terminated. */
export async function blockForever(): Promise<never> {
  await condition(() => false);
  throw ApplicationFailure.nonRetryable('unreachable');
}

export async function quick(value: string): Promise<string> {
  return value;
}

export async function failNow(message: string): Promise<never> {
  throw ApplicationFailure.nonRetryable(message, 'Planned');
}

export interface ChainInfo {
  runsLeft: number;
  firstExecutionRunId: string;
  continuedFromExecutionRunId: string | undefined;
  runId: string;
}

/** Continues as new `runs` times, then reports the identity of the last run. */
export async function chain(runs: number): Promise<ChainInfo> {
  const info = workflowInfo();
  if (runs > 0) await continueAsNew<typeof chain>(runs - 1);
  return {
    runsLeft: runs,
    firstExecutionRunId: info.firstExecutionRunId,
    continuedFromExecutionRunId: info.continuedFromExecutionRunId,
    runId: info.runId,
  };
}

/** Continues as new forever, every `ms`, so only an execution timeout ends it. */
export async function chainForever(ms: number): Promise<never> {
  await sleep(ms);
  return continueAsNew<typeof chainForever>(ms);
}

/** Fails with a retryable error until the workflow attempt reaches `succeedOn`. */
export async function failUntilAttempt(succeedOn: number): Promise<number> {
  const { attempt } = workflowInfo();
  if (attempt < succeedOn) throw ApplicationFailure.retryable(`workflow attempt ${attempt} failed`, 'Flaky');
  return attempt;
}

export const fixSignal = defineSignal('fix');

/**
 * Fails its workflow task (a plain error, not a Temporal failure) until the `fix` signal arrives,
 * so the server must retry the task, including attempts the worker never reports (§3, §6.11 item 2).
 */
export async function brokenUntilFixed(): Promise<string> {
  let fixed = false;
  setHandler(fixSignal, () => {
    fixed = true;
  });
  await sleep(10);
  if (!fixed) throw new TypeError('planned workflow task failure');
  return 'fixed';
}
