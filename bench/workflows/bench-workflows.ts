/**
 * @module Workflows the devserver benchmark runs: deterministic, tiny, so that the numbers measure
 * the service and the SDK round trips rather than workflow code.
 */
import { condition, defineSignal, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type * as activities from './bench-activities.js';

const { echo } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });
const local = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });

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

/**
 * Local activities a governed one-step task runs, one after the other: extractPlan, authenticateAgent,
 * assessStep, reserveBudget, executeQuickTool, settleBudget, recordStep, recordOutcome.
 */
export const GOVERNED_ONE_STEP_LOCAL_ACTIVITIES = 8;

/**
 * (c) the shape of a governed one-step task with activities that do nothing: what the workflow engine
 * alone costs a task, the floor under `bench:e2e` on the same machine.
 */
export async function governedShape(n: number): Promise<number> {
  let x = n;
  for (let i = 0; i < GOVERNED_ONE_STEP_LOCAL_ACTIVITIES; i++) x = await local.echo(x);
  return x;
}
