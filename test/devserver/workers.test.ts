/**
 * Conformance: sticky and non-sticky workers, history paging, describe, and workers that stop or
 * die in the middle of a workflow (reference §6.3, §6.4, §6.7).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorker, eventually, runToEnd, track, uniqueId, uniqueQueue, useConformance, withWorker } from './helpers.js';
import type { Conformance } from './helpers.js';
import { assertContiguous, attrsOf, decodePayloads, eventNames, eventsNamed, historyOf } from './history.js';

const { TaskQueueKind, PendingActivityState } = temporal.api.enums.v1;

let c: Conformance;
useConformance('worker-workflows', (env) => (c = env));

function scheduledKinds(history: Parameters<typeof eventsNamed>[0]): number[] {
  return eventsNamed(history, 'WorkflowTaskScheduled').map((e) => Number((attrsOf(e).taskQueue as { kind?: number }).kind));
}

async function waitingFor(workflowId: string, what: (names: string[]) => boolean, label: string): Promise<void> {
  await eventually(async () => (what(eventNames(await historyOf(c.client, workflowId))) ? true : undefined), 20_000, label);
}

describe('sticky and non-sticky workers', () => {
  it('a caching worker gets its later workflow tasks on its sticky queue', async () => {
    const tq = uniqueQueue('sticky');
    const { result, history } = await runToEnd<number>(c, 'steps', [uniqueId('sticky'), 3], { taskQueue: tq });
    expect(result).toBe(3);
    const kinds = scheduledKinds(history);
    expect(kinds[0]).toBe(TaskQueueKind.TASK_QUEUE_KIND_NORMAL);
    expect(kinds.slice(1).every((k) => k === TaskQueueKind.TASK_QUEUE_KIND_STICKY)).toBe(true);
    const later = attrsOf(eventsNamed(history, 'WorkflowTaskScheduled')[1]!).taskQueue as { normalName?: string };
    expect(later.normalName).toBe(tq);
  });

  it('a worker without a cache gets every workflow task on the normal queue', async () => {
    const { result, history } = await runToEnd<number>(c, 'steps', [uniqueId('nosticky'), 3], { worker: { maxCachedWorkflows: 0 } });
    expect(result).toBe(3);
    const kinds = scheduledKinds(history);
    expect(kinds.length).toBeGreaterThanOrEqual(7);
    expect(kinds.every((k) => k === TaskQueueKind.TASK_QUEUE_KIND_NORMAL)).toBe(true);
  });
});

describe('history paging', () => {
  it('pages a history of more than 1,000 events to the client and to a cold worker', async () => {
    const tq = uniqueQueue('paging');
    const h = await c.client.workflow.start('bigHistory', { taskQueue: tq, workflowId: uniqueId('paging'), args: [550] });
    track(c, h.workflowId, h.firstExecutionRunId);
    await withWorker(c, tq, () =>
      waitingFor(h.workflowId, (n) => n.filter((x) => x === 'TimerFired').length === 550 && n.at(-1) === 'WorkflowTaskCompleted', 'all timers fired'),
    );
    const full = await h.fetchHistory();
    expect(full.events!.length).toBeGreaterThan(1_100);
    assertContiguous(full);
    const page = await c.client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: h.workflowId } });
    const pageEvents = page.history?.events ?? [];
    expect(pageEvents.length).toBeGreaterThan(0);
    expect(pageEvents.length).toBeLessThan(full.events!.length);
    expect(page.nextPageToken.length).toBeGreaterThan(0);
    await h.signal('go');
    // why: a new worker has no cache, so it must read the whole history, page by page.
    expect(await withWorker(c, tq, () => h.result(), { maxCachedWorkflows: 0 })).toBe(550);
    assertContiguous(await h.fetchHistory());
  });
});

describe('describe', () => {
  it('shows a running activity with its heartbeat details', async () => {
    const tq = uniqueQueue('describe');
    const key = uniqueId('pending');
    const h = await c.client.workflow.start('pendingActivity', { taskQueue: tq, workflowId: uniqueId('describe'), args: [key, 'running'] });
    track(c, h.workflowId, h.firstExecutionRunId);
    const pending = await withWorker(c, tq, async () => {
      await eventually(async () => (c.log.of(key).length > 0 ? true : undefined), 10_000, 'activity start');
      return eventually(async () => {
        const [p] = (await h.describe()).raw.pendingActivities ?? [];
        return p?.heartbeatDetails ? p : undefined;
      }, 10_000, 'heartbeat details in describe');
    });
    expect(pending).toMatchObject({ activityId: '1', activityType: { name: 'heartbeatUntilCancelled' }, attempt: 1 });
    expect(pending.state).toBe(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    expect(decodePayloads(pending.heartbeatDetails)[0]).toMatchObject({ beat: expect.any(Number) });
    const described = await h.describe();
    expect(described.status.name).toBe('RUNNING');
    expect(described.type).toBe('pendingActivity');
    expect(described.taskQueue).toBe(tq);
    await h.terminate('done describing');
  });

  it('shows an activity waiting in retry backoff with its attempt and last failure', async () => {
    const tq = uniqueQueue('describe');
    const key = uniqueId('backoff');
    const h = await c.client.workflow.start('pendingActivity', { taskQueue: tq, workflowId: uniqueId('describe'), args: [key, 'backoff'] });
    track(c, h.workflowId, h.firstExecutionRunId);
    const pending = await withWorker(c, tq, async () => {
      await eventually(async () => (c.log.of(key).length > 0 ? true : undefined), 10_000, 'first attempt');
      return eventually(async () => {
        const [p] = (await h.describe()).raw.pendingActivities ?? [];
        return p && p.attempt === 2 ? p : undefined;
      }, 10_000, 'attempt 2 in describe');
    });
    expect(pending.state).toBe(PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
    expect(pending.lastFailure?.message).toBe('failed with Flaky');
    expect(c.log.of(key)).toHaveLength(1);
    await h.terminate('done describing');
  });
});

describe('worker restart', () => {
  it('completes a workflow on a new worker after the first one shut down mid-workflow', async () => {
    const tq = uniqueQueue('restart');
    const key = uniqueId('restart');
    const h = await c.client.workflow.start('waitThenAct', { taskQueue: tq, workflowId: uniqueId('restart'), args: [key] });
    track(c, h.workflowId, h.firstExecutionRunId);
    const first = await createWorker(c, tq);
    const running = first.run();
    await waitingFor(h.workflowId, (n) => n.includes('WorkflowTaskCompleted'), 'first workflow task');
    first.shutdown();
    await running;
    await h.signal('go');
    let t0 = 0;
    const result = await withWorker(c, tq, () => {
      t0 = Date.now();
      return h.result();
    });
    expect(result).toBe('after restart');
    // why: a server that kept the run bound to the dead worker's sticky queue would wait out the
    // 10 s sticky schedule-to-start timeout; ShutdownWorker should release it at once (§6.3)
    expect(Date.now() - t0).toBeLessThan(7_000);
    expect(eventNames(await h.fetchHistory()).at(-1)).toBe('WorkflowExecutionCompleted');
  });

  it('moves a sticky task to the normal queue when the sticky worker died without saying so', async () => {
    const tq = uniqueQueue('sticky-crash');
    const key = uniqueId('sticky-crash');
    const h = await c.client.workflow.start('waitThenAct', { taskQueue: tq, workflowId: uniqueId('sticky-crash'), args: [key] });
    track(c, h.workflowId, h.firstExecutionRunId);
    const child = await spawnWorkerProcess(tq);
    try {
      await waitingFor(h.workflowId, (n) => n.includes('WorkflowTaskCompleted'), 'first workflow task in the worker process');
    } finally {
      await killProcessGroup(child);
    }
    await h.signal('go');
    let t0 = 0;
    const result = await withWorker(c, tq, () => {
      t0 = Date.now();
      return h.result();
    });
    expect(result).toBe('after restart');
    // 1 s sticky schedule-to-start (set by the dead worker) plus slack, far below a 10 s default
    expect(Date.now() - t0).toBeLessThan(6_000);
    // the scenario really ran: the task after the signal was first offered to the dead sticky queue
    const events = (await h.fetchHistory()).events ?? [];
    const signalAt = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes);
    const next = events.slice(signalAt).find((e) => e.workflowTaskScheduledEventAttributes);
    expect(next?.workflowTaskScheduledEventAttributes?.taskQueue?.kind).toBe(TaskQueueKind.TASK_QUEUE_KIND_STICKY);
  });
});

/** Starts `worker-process.ts` in its own process group, polling `taskQueue` with this file's bundle. */
const bundleDir = mkdtempSync(join(tmpdir(), 'devserver-worker-'));
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

async function spawnWorkerProcess(taskQueue: string): Promise<ChildProcess> {
  const dir = bundleDir;
  const codePath = join(dir, 'bundle.js');
  writeFileSync(codePath, c.bundle.code);
  const script = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, c.env.address, taskQueue, codePath], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code}: ${err}`)));
  });
  return child;
}

async function killProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid, 'SIGKILL');
  await exited;
}
