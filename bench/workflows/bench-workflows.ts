/**
 * @module Workflows the devserver benchmark runs: deterministic, tiny, so that the numbers measure
 * the service and the SDK round trips rather than workflow code.
 */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type * as activities from './bench-activities.js';

const { echo } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });

/** Signal that lets `threeActivitiesWithSignal` go on after its first activity. */
export const proceed = defineSignal('proceed');

/** (a) one activity, then complete. */
export async function oneActivity(n: number): Promise<number> {
  return echo(n);
}

/** (b) an activity, wait for the `proceed` signal, then two more activities. */
export async function threeActivitiesWithSignal(n: number): Promise<number> {
  let signalled = false;
  setHandler(proceed, () => {
    signalled = true;
  });
  const a = await echo(n);
  await condition(() => signalled);
  const b = await echo(a + 1);
  return echo(b + 1);
}
