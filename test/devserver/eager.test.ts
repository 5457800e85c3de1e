/**
 * Conformance: eager activity dispatch (RespondWorkflowTaskCompletedResponse.activity_tasks) with the
 * real SDK. sdk-core asks for it (`request_eager_execution`) after reserving an activity slot, for
 * activities on its own task queue; the server then hands the activity to the worker that completed
 * the workflow task instead of queueing it. Observable from outside: a second, activity-only worker
 * polling the same queue never gets such an activity, while it does get queued ones.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { createWorker, track, uniqueId, uniqueQueue, useConformance } from './helpers.js';
import type { Conformance } from './helpers.js';
import { eventNames, historyOf } from './history.js';
import type { ActivityCall, ActivityOutcome } from './workflows/activity-workflows.js';

let c: Conformance;
useConformance('activity-workflows', (env) => (c = env));

const RUNS = 6;

/**
 * Runs RUNS one-activity workflows one after another on a workflow worker, while an activity-only
 * worker that started polling first competes for activity tasks; returns the activities it took.
 */
async function runWithCompetitor(allowEagerDispatch: boolean): Promise<{ taken: string[]; outcomes: ActivityOutcome[]; histories: string[][] }> {
  const taskQueue = uniqueQueue('eager');
  const taken: string[] = [];
  // why its own connection: sdk-core refuses two workers for one task queue on one client
  const connection = await NativeConnection.connect({ address: c.env.address });
  const competitor = await Worker.create({
    connection,
    taskQueue,
    activities: {
      async echo(key: string, value: string): Promise<string> {
        taken.push(key);
        return value;
      },
    },
  });
  const competing = competitor.run();
  const outcomes: ActivityOutcome[] = [];
  const histories: string[][] = [];
  try {
    const worker = await createWorker(c, taskQueue);
    await worker.runUntil(async () => {
      for (let i = 0; i < RUNS; i++) {
        const spec: ActivityCall = { activity: 'echo', args: [uniqueId('eager-act'), `v${i}`], options: { startToCloseTimeout: '10s', allowEagerDispatch } };
        const handle = await c.client.workflow.start('runActivity', { taskQueue, workflowId: uniqueId('eager'), args: [spec] });
        track(c, handle.workflowId, handle.firstExecutionRunId);
        outcomes.push((await handle.result()) as ActivityOutcome);
        histories.push(eventNames(await historyOf(c.client, handle.workflowId)));
      }
    });
  } finally {
    competitor.shutdown();
    await competing;
    await connection.close();
  }
  return { taken, outcomes, histories };
}

const ONE_ACTIVITY = [
  'WorkflowExecutionStarted', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted',
  'ActivityTaskScheduled', 'ActivityTaskStarted', 'ActivityTaskCompleted',
  'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted', 'WorkflowExecutionCompleted',
];

describe('eager activity dispatch', () => {
  it('hands an eagerly requested activity to the worker that completed the workflow task, with the usual history', async () => {
    const { taken, outcomes, histories } = await runWithCompetitor(true);
    expect(outcomes.map((o) => o.ok)).toEqual(Array(RUNS).fill(true));
    expect(outcomes.map((o) => o.result)).toEqual(Array.from({ length: RUNS }, (_, i) => `v${i}`));
    expect(taken).toEqual([]);
    for (const h of histories) expect(h).toEqual(ONE_ACTIVITY);
  });

  it('queues the activity when the workflow opts out (allowEagerDispatch: false), so another poller can take it', async () => {
    const { taken, outcomes, histories } = await runWithCompetitor(false);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    // the competitor's polls were waiting first, so queued activities reach it
    expect(taken.length).toBeGreaterThan(0);
    for (const h of histories) expect(h).toEqual(ONE_ACTIVITY);
  });
});
