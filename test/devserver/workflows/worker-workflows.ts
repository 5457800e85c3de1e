/**
 * @module Workflows for worker, history-paging, visibility and crash-recovery scenarios.
 */
import { condition, defineSignal, proxyActivities, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { ConformanceActivities } from '../activities.js';

export const goSignal = defineSignal('go');
export const addSignal = defineSignal<[string]>('add');

const acts = proxyActivities<ConformanceActivities>({ startToCloseTimeout: '5s', retry: { initialInterval: '200ms' } });

/** Alternates activities and short timers, so a run needs several workflow tasks. */
export async function steps(key: string, count: number): Promise<number> {
  for (let i = 0; i < count; i++) {
    await acts.echo(key, `step ${i}`);
    await sleep(20);
  }
  return count;
}

/** Fires `count` timers at once (well over 1,000 events), then waits for `go`. */
export async function bigHistory(count: number): Promise<number> {
  let go = false;
  setHandler(goSignal, () => {
    go = true;
  });
  await Promise.all(Array.from({ length: count }, (_, i) => sleep(10 + (i % 10) * 10)));
  await condition(() => go);
  return count;
}

/** Waits for `go`, then runs one activity. */
export async function waitThenAct(key: string): Promise<string> {
  let go = false;
  setHandler(goSignal, () => {
    go = true;
  });
  await condition(() => go);
  return acts.echo(key, 'after restart');
}

/** Upserts a keyword search attribute named `attribute` with `value`. */
export async function tagged(attribute: string, value: string): Promise<string> {
  // why: the key is built here rather than with defineSearchAttributeKey, which workflow code cannot import.
  const key = { name: attribute, type: 'KEYWORD' } as const;
  upsertSearchAttributes([{ key, value }] as Parameters<typeof upsertSearchAttributes>[0]);
  return value;
}

/** Keeps one activity pending (running or in backoff) until the workflow is terminated. */
export async function pendingActivity(key: string, mode: 'running' | 'backoff'): Promise<void> {
  const slow = proxyActivities<ConformanceActivities>({
    startToCloseTimeout: '30s',
    heartbeatTimeout: '10s',
    retry: { initialInterval: '30s', maximumAttempts: 3 },
  });
  if (mode === 'running') await slow.heartbeatUntilCancelled(key);
  else await slow.failWith(key, 'Flaky', false);
}

export interface CrashOutcome {
  activity: string;
  signals: string[];
}

/** Waits on an activity and a timer at once, then on the `go` signal. */
export async function crashTolerant(key: string, activityMs: number, timerMs: number): Promise<CrashOutcome> {
  const signals: string[] = [];
  setHandler(addSignal, (v) => void signals.push(v));
  const [activity] = await Promise.all([acts.sleepFor(key, activityMs), sleep(timerMs)]);
  await condition(() => signals.includes('go'));
  return { activity, signals };
}
