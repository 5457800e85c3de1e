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
