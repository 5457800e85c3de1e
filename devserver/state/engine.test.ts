/**
 * The service core without gRPC: history semantics (buffering, UnhandledCommand, stale tokens),
 * idempotency, rollback of a failed unit of work, and durability through the SQLite store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../server.js';
import type { Engine } from './engine.js';
import { TaskQueues } from './queues.js';
import { completeWft } from './wft.js';
import { activityForToken, completeActivity } from './activities.js';
import { newRunFromRequest, signalRun, startWorkflow } from './workflow.js';
import { isServiceError } from '../errors.js';
import type { Msg } from '../proto.js';

const engines: Engine[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function engine(dbFilename?: string): Engine {
  const e = createEngine({ dbFilename, pollTimeoutMs: 200 });
  engines.push(e);
  return e;
}

function start(eng: Engine, workflowId: string, extra: Msg = {}): string {
  const req = { namespace: 'default', workflowId, workflowType: { name: 'wf' }, taskQueue: { name: 'q' }, requestId: randomUUID(), ...extra };
  return eng.mutate(() => startWorkflow(eng, newRunFromRequest('default', req), req)).runId;
}

function poll(eng: Engine, queue = 'q', kind: 'wf' | 'act' = 'wf'): Promise<Msg> {
  return new Promise((resolve) => eng.queues.poll(TaskQueues.key('default', kind, queue), 'tester', { isCancelled: () => false, resolve }, () => {}));
}

function types(eng: Engine, workflowId: string): string[] {
  return eng.getRun('default', workflowId).events.map((e) => String(e.eventType).replace('EVENT_TYPE_', ''));
}

function signal(eng: Engine, workflowId: string, requestId: string = randomUUID()): void {
  eng.mutate(() => signalRun(eng, eng.getRunningRun('default', workflowId), { signalName: 's', requestId }));
}

const timer = (id: string, ms: number): Msg => ({ commandType: 'COMMAND_TYPE_START_TIMER', startTimerCommandAttributes: { timerId: id, startToFireTimeout: { seconds: 0, nanos: ms * 1e6 } } });
const complete: Msg = { commandType: 'COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION', completeWorkflowExecutionCommandAttributes: {} };

describe('workflow task lifecycle', () => {
  it('buffers a signal that arrives during a workflow task and writes it after WorkflowTaskCompleted', async () => {
    const eng = engine();
    start(eng, 'buffered');
    const task = await poll(eng);
    signal(eng, 'buffered');
    expect(types(eng, 'buffered')).toEqual(['WORKFLOW_EXECUTION_STARTED', 'WORKFLOW_TASK_SCHEDULED', 'WORKFLOW_TASK_STARTED']);
    completeWft(eng, 'default', { taskToken: task.taskToken, commands: [timer('1', 60_000)], identity: 'tester' });
    expect(types(eng, 'buffered').slice(3)).toEqual(['WORKFLOW_TASK_COMPLETED', 'TIMER_STARTED', 'WORKFLOW_EXECUTION_SIGNALED', 'WORKFLOW_TASK_SCHEDULED']);
  });

  it('answers UnhandledCommand when the workflow completes while new events are buffered', async () => {
    const eng = engine();
    start(eng, 'unhandled');
    const task = await poll(eng);
    signal(eng, 'unhandled');
    let err: unknown;
    try {
      completeWft(eng, 'default', { taskToken: task.taskToken, commands: [complete] });
    } catch (e) {
      err = e;
    }
    expect(isServiceError(err) && err.code === 'INVALID_ARGUMENT' && err.message === 'UnhandledCommand').toBe(true);
    expect(types(eng, 'unhandled').slice(3)).toEqual(['WORKFLOW_TASK_FAILED', 'WORKFLOW_EXECUTION_SIGNALED', 'WORKFLOW_TASK_SCHEDULED']);
    const next = await poll(eng);
    expect(next.attempt).toBe(2);
    expect(next.history.events).toHaveLength(7);
  });

  it('refuses a completion with a stale token as NOT_FOUND and writes nothing', async () => {
    const eng = engine();
    start(eng, 'stale');
    const task = await poll(eng);
    completeWft(eng, 'default', { taskToken: task.taskToken, commands: [timer('1', 60_000)] });
    const before = types(eng, 'stale');
    expect(() => completeWft(eng, 'default', { taskToken: task.taskToken, commands: [complete] })).toThrow(/workflow task not found/);
    expect(types(eng, 'stale')).toEqual(before);
  });

  it('fires a timer as an external event and schedules the next workflow task', async () => {
    const eng = engine();
    start(eng, 'timer');
    const task = await poll(eng);
    completeWft(eng, 'default', { taskToken: task.taskToken, commands: [timer('t', 30)] });
    const next = await poll(eng);
    expect(types(eng, 'timer').slice(4)).toEqual(['TIMER_STARTED', 'TIMER_FIRED', 'WORKFLOW_TASK_SCHEDULED', 'WORKFLOW_TASK_STARTED']);
    expect(next.previousStartedEventId).toBe(3);
  });
});

const activity = (id: string, extra: Msg = {}): Msg => ({
  commandType: 'COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK',
  scheduleActivityTaskCommandAttributes: { activityId: id, activityType: { name: 'echo' }, taskQueue: { name: 'q' }, startToCloseTimeout: { seconds: 30 }, ...extra },
});

/** Resolves with the first activity task polled from `queue` within `ms`, or undefined. */
async function pollActivityWithin(eng: Engine, ms: number, queue = 'q'): Promise<Msg | undefined> {
  const got = await Promise.race([poll(eng, queue, 'act'), new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))]);
  return got?.taskToken ? got : undefined;
}

describe('eager activity dispatch', () => {
  it('returns an activity that asks for eager execution in the completion response, started and not queued', async () => {
    const eng = engine();
    start(eng, 'eager');
    const task = await poll(eng);
    const res = completeWft(eng, 'default', { taskToken: task.taskToken, identity: 'w1', commands: [activity('a1', { requestEagerExecution: true }), activity('a2')] });
    expect(res.activityTasks).toHaveLength(1);
    const eager = res.activityTasks[0] as Msg;
    expect(eager).toMatchObject({ activityId: 'a1', attempt: 1, workflowExecution: { workflowId: 'eager' } });
    expect(eager.startToCloseTimeout).toBeDefined();
    expect(eager.scheduleToCloseTimeout).toBeDefined();
    const run = eng.getRun('default', 'eager');
    expect(Object.values(run.s.activities).map((a) => [a.activityId, a.state, a.startedIdentity])).toEqual([['a1', 'started', 'w1'], ['a2', 'scheduled', '']]);
    // only the non-eager activity is on the queue
    expect((await pollActivityWithin(eng, 100))?.activityId).toBe('a2');
    expect(await pollActivityWithin(eng, 50)).toBeUndefined();
    // the eager task's token completes the activity like a polled one, with the usual history
    eng.mutate(() => {
      const { run: r, act } = activityForToken(eng, 'default', eager.taskToken);
      completeActivity(eng, r, act, undefined, 'w1');
    });
    expect(types(eng, 'eager').slice(4)).toEqual(['ACTIVITY_TASK_SCHEDULED', 'ACTIVITY_TASK_SCHEDULED', 'ACTIVITY_TASK_STARTED', 'ACTIVITY_TASK_COMPLETED', 'WORKFLOW_TASK_SCHEDULED']);
  });

  it('queues an eager request for another task queue, and returns nothing when the same completion closes the run', async () => {
    const eng = engine();
    start(eng, 'other-queue');
    const task = await poll(eng);
    const res = completeWft(eng, 'default', { taskToken: task.taskToken, commands: [activity('x', { requestEagerExecution: true, taskQueue: { name: 'elsewhere' } })] });
    expect(res.activityTasks).toBeUndefined();
    expect((await pollActivityWithin(eng, 100, 'elsewhere'))?.activityId).toBe('x');

    start(eng, 'closing');
    const t2 = await poll(eng);
    const closed = completeWft(eng, 'default', { taskToken: t2.taskToken, commands: [activity('y', { requestEagerExecution: true }), complete] });
    expect(closed.activityTasks).toBeUndefined();
    expect(eng.getRun('default', 'closing').s.status).toBe('Completed');
  });
});

describe('returning the next workflow task in the completion response', () => {
  const sticky = { workerTaskQueue: { name: 'sticky-q', kind: 'TASK_QUEUE_KIND_STICKY' }, scheduleToStartTimeout: { seconds: 10 } };

  async function pollWithin(eng: Engine, queue: string, ms: number): Promise<Msg | undefined> {
    const got = await Promise.race([poll(eng, queue), new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))]);
    return got?.taskToken ? got : undefined;
  }

  it('starts and returns the task a buffered signal made necessary, with partial history, when a sticky worker asks', async () => {
    const eng = engine();
    start(eng, 'returned');
    const task = await poll(eng);
    signal(eng, 'returned');
    const res = completeWft(eng, 'default', { taskToken: task.taskToken, identity: 'w1', stickyAttributes: sticky, returnNewWorkflowTask: true, commands: [timer('1', 60_000)] });
    const next = res.workflowTask as Msg;
    expect(types(eng, 'returned').slice(3)).toEqual(['WORKFLOW_TASK_COMPLETED', 'TIMER_STARTED', 'WORKFLOW_EXECUTION_SIGNALED', 'WORKFLOW_TASK_SCHEDULED', 'WORKFLOW_TASK_STARTED']);
    expect(next).toMatchObject({ startedEventId: 8, previousStartedEventId: 3, attempt: 1, workflowExecutionTaskQueue: { name: 'q' } });
    expect((next.history.events as Msg[]).map((e) => Number(e.eventId))).toEqual([4, 5, 6, 7, 8]);
    // nothing is left to poll, and the returned task completes like a polled one
    expect(await pollWithin(eng, 'sticky-q', 100)).toBeUndefined();
    completeWft(eng, 'default', { taskToken: next.taskToken, identity: 'w1', stickyAttributes: sticky, returnNewWorkflowTask: true, commands: [complete] });
    expect(eng.getRun('default', 'returned').s.status).toBe('Completed');
  });

  it('queues the next task instead when the worker did not ask for it or is not sticky', async () => {
    const eng = engine();
    start(eng, 'asked-not');
    const t1 = await poll(eng);
    signal(eng, 'asked-not');
    expect(completeWft(eng, 'default', { taskToken: t1.taskToken, stickyAttributes: sticky, commands: [timer('1', 60_000)] }).workflowTask).toBeUndefined();
    expect((await pollWithin(eng, 'sticky-q', 200))?.startedEventId).toBe(8);

    start(eng, 'not-sticky');
    const t2 = await poll(eng);
    signal(eng, 'not-sticky');
    expect(completeWft(eng, 'default', { taskToken: t2.taskToken, returnNewWorkflowTask: true, commands: [timer('1', 60_000)] }).workflowTask).toBeUndefined();
    expect((await pollWithin(eng, 'q', 200))?.workflowExecution.workflowId).toBe('not-sticky');
  });
});

describe('idempotency and rollback', () => {
  it('returns the same run for a repeated start request id and ALREADY_EXISTS for a new one', () => {
    const eng = engine();
    const requestId = randomUUID();
    const a = start(eng, 'dup', { requestId });
    expect(start(eng, 'dup', { requestId })).toBe(a);
    let err: unknown;
    try {
      start(eng, 'dup');
    } catch (e) {
      err = e;
    }
    expect(isServiceError(err) && err.code).toBe('ALREADY_EXISTS');
    expect(isServiceError(err) && err.detail?.value).toEqual({ startRequestId: requestId, runId: a });
  });

  it('dedupes a signal by request id', () => {
    const eng = engine();
    start(eng, 'sig');
    signal(eng, 'sig', 'same');
    signal(eng, 'sig', 'same');
    expect(types(eng, 'sig').filter((t) => t === 'WORKFLOW_EXECUTION_SIGNALED')).toHaveLength(1);
  });

  it('leaves no trace of a unit of work that throws', () => {
    const eng = engine();
    start(eng, 'rollback');
    const run = eng.getRun('default', 'rollback');
    const before = JSON.stringify(run.s);
    expect(() => eng.mutate(() => {
      eng.append(run, 'WorkflowExecutionSignaled', { signalName: 'lost' });
      run.s.cancelRequested = true;
      throw new Error('boom');
    })).toThrow('boom');
    expect(JSON.stringify(eng.getRun('default', 'rollback').s)).toBe(before);
    expect(eng.getRun('default', 'rollback').events).toHaveLength(2);
  });
});

describe('durability (SQLite)', () => {
  function dbFile(): string {
    const dir = mkdtempSync(join(tmpdir(), 'devserver-'));
    dirs.push(dir);
    return join(dir, 'state.db');
  }

  it('reloads runs and history after a crash and keeps request-id dedupe', async () => {
    const file = dbFile();
    const first = engine(file);
    const requestId = randomUUID();
    const runId = start(first, 'durable', { requestId });
    await poll(first);
    signal(first, 'durable', 'sig-1');
    // no close(): a crash; committed transactions must be enough
    const second = engine(file);
    expect(types(second, 'durable')).toEqual(types(first, 'durable'));
    expect(second.namespaces.get('default').id).toBe(first.namespaces.get('default').id);
    expect(second.getRun('default', 'durable').s.wft.state).toBe('started');
    expect(start(second, 'durable', { requestId })).toBe(runId);
    signal(second, 'durable', 'sig-1');
    expect(second.getRun('default', 'durable').s.buffered).toHaveLength(1);
  });

  it('fires at once a timer that fell due while the server was down', async () => {
    const file = dbFile();
    const first = engine(file);
    start(first, 'outage');
    const task = await poll(first);
    completeWft(first, 'default', { taskToken: task.taskToken, commands: [timer('t', 50)] });
    first.close();
    engines.splice(engines.indexOf(first), 1);
    await new Promise((r) => setTimeout(r, 120));
    const second = engine(file);
    await poll(second);
    expect(types(second, 'outage').slice(-4)).toEqual(['TIMER_STARTED', 'TIMER_FIRED', 'WORKFLOW_TASK_SCHEDULED', 'WORKFLOW_TASK_STARTED']);
  });
});
