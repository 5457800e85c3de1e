/**
 * @module Workflows for the query and update scenarios: a counter that answers queries, accepts
 * `add` updates (rejecting negative amounts in the validator) and finishes on the `finish` signal.
 */
import { condition, defineQuery, defineSignal, defineUpdate, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { ConformanceActivities } from '../activities.js';

export const totalQuery = defineQuery<number>('total');
export const failingQuery = defineQuery<number>('failing');
export const addUpdate = defineUpdate<number, [number]>('add');
export const finishSignal = defineSignal('finish');
export const stopUpdate = defineUpdate<number>('stop');

export async function counter(start: number, slowStartKey?: string): Promise<number> {
  let total = start;
  let finished = false;
  setHandler(totalQuery, () => total);
  setHandler(failingQuery, () => {
    throw new Error('query handler failed on purpose');
  });
  setHandler(
    addUpdate,
    (amount) => {
      total += amount;
      return total;
    },
    {
      validator: (amount) => {
        if (amount < 0) throw new Error(`amount \`${amount}\` must not be negative`);
      },
    },
  );
  setHandler(finishSignal, () => {
    finished = true;
  });
  // completes the update and the workflow in the same workflow task
  setHandler(stopUpdate, () => {
    finished = true;
    return total;
  });
  if (slowStartKey) {
    // a local activity keeps the first workflow task open, so messages arrive while it runs
    const { sleepFor } = proxyLocalActivities<ConformanceActivities>({ startToCloseTimeout: '10s' });
    await sleepFor(slowStartKey, 1_500);
  }
  await condition(() => finished);
  return total;
}
