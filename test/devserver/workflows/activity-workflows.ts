/**
 * @module Workflows for the activity scenarios: call one activity with options chosen by the test,
 * and report how it ended as plain data the test can assert on.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  TimeoutFailure,
  condition,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { ConformanceActivities } from '../activities.js';

export interface ActivityCall {
  activity: keyof ConformanceActivities;
  args: unknown[];
  options: ActivityOptions;
}

export interface ActivityOutcome {
  ok: boolean;
  result?: unknown;
  causeName?: string;
  causeMessage?: string;
  failureType?: string;
  timeoutType?: string;
  lastHeartbeatDetails?: unknown;
  retryState?: string;
}

export const cancelActivitySignal = defineSignal('cancelActivity');

function callOne(call: ActivityCall): Promise<unknown> {
  const acts = proxyActivities<Record<string, (...args: unknown[]) => Promise<unknown>>>(call.options);
  const fn = acts[call.activity];
  if (!fn) throw ApplicationFailure.nonRetryable(`unknown activity \`${call.activity}\``);
  return fn(...call.args);
}

function describeFailure(err: unknown): ActivityOutcome {
  if (!(err instanceof ActivityFailure)) throw err;
  const cause = err.cause;
  const outcome: ActivityOutcome = {
    ok: false,
    causeName: cause?.name,
    causeMessage: cause?.message,
    retryState: err.retryState ?? undefined,
  };
  if (cause instanceof ApplicationFailure) outcome.failureType = cause.type ?? undefined;
  if (cause instanceof TimeoutFailure) {
    outcome.timeoutType = cause.timeoutType ?? undefined;
    outcome.lastHeartbeatDetails = cause.lastHeartbeatDetails ?? null;
  }
  return outcome;
}

/** Runs one activity and returns its result or a description of its failure. */
export async function runActivity(call: ActivityCall): Promise<ActivityOutcome> {
  try {
    return { ok: true, result: await callOne(call) };
  } catch (err) {
    return describeFailure(err);
  }
}

/** Starts an activity, waits for the cancel signal, cancels its scope and reports what happened. */
export async function cancelActivity(call: ActivityCall): Promise<string> {
  let cancelRequested = false;
  const scope = new CancellationScope();
  setHandler(cancelActivitySignal, () => {
    cancelRequested = true;
  });
  const pending = scope.run(() => callOne(call));
  await condition(() => cancelRequested);
  scope.cancel();
  try {
    await pending;
    return 'completed';
  } catch (err) {
    if (isCancellation(err)) return 'cancelled';
    throw err;
  }
}
