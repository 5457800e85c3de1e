/**
 * @module Workflows for the timer and signal scenarios.
 */
import { CancellationScope, condition, defineSignal, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';
import type { ConformanceActivities } from '../activities.js';

export const addSignal = defineSignal<[string]>('add');

export async function timerFires(ms: number): Promise<string> {
  await sleep(ms);
  return 'fired';
}

/** Starts a long timer, lets a short one fire, then cancels the long one. */
export async function timerCancelled(): Promise<string> {
  const scope = new CancellationScope();
  const long = scope.run(() => sleep('30s'));
  await sleep(100);
  scope.cancel();
  try {
    await long;
    return 'long timer fired';
  } catch {
    return 'long timer cancelled';
  }
}

/** Sleeps `count` timers at once, with durations spread over 100–1,000 ms. */
export async function manyTimers(count: number): Promise<number> {
  const sleeps = Array.from({ length: count }, (_, i) => sleep(100 + (i % 10) * 100));
  await Promise.all(sleeps);
  return sleeps.length;
}

/** Collects `add` signals until one equals `stop`, and returns them in arrival order. */
export async function collectSignals(): Promise<string[]> {
  const received: string[] = [];
  setHandler(addSignal, (v) => void received.push(v));
  await condition(() => received.includes('stop'));
  return received;
}

/** Runs a local activity (which keeps the workflow task open) and then waits for `count` signals. */
export async function localActivityThenSignals(key: string, sleepMs: number, count: number): Promise<string[]> {
  const received: string[] = [];
  setHandler(addSignal, (v) => void received.push(v));
  const { sleepFor } = proxyLocalActivities<ConformanceActivities>({ startToCloseTimeout: '10s' });
  await sleepFor(key, sleepMs);
  await condition(() => received.length >= count);
  return received;
}
