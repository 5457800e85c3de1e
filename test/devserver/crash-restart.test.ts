/**
 * Conformance: durability. A server started with `--db-filename` is killed with SIGKILL while a
 * workflow waits on a timer and an activity, restarted on the same file and port, and the workflow
 * completes with a history that has no duplicate or missing events (reference §6.1, §6.10).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { ActivityLog, createActivities } from './activities.js';
import { eventually, installQuietRuntime, quietLogger, uniqueId, uniqueQueue, workflowsPath } from './helpers.js';
import { assertWellFormed, attrsOf, decodePayloads, encodePayloads, eventNames, eventsNamed } from './history.js';
import type { History } from './history.js';
import { freePort, killServer, spawnServer } from './spawned-server.js';
import type { SpawnedServer } from './spawned-server.js';
import type { CrashOutcome } from './workflows/worker-workflows.js';

const dir = mkdtempSync(join(tmpdir(), 'devserver-crash-'));
const servers: SpawnedServer[] = [];
afterAll(async () => {
  for (const s of servers) await killServer(s, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function startRequest(workflowId: string, taskQueue: string, key: string, requestId: string) {
  return {
    namespace: 'default',
    workflowId,
    workflowType: { name: 'crashTolerant' },
    taskQueue: { name: taskQueue },
    input: encodePayloads(key, 2_500, 3_000),
    workflowTaskTimeout: msToTs('2s'),
    identity: 'conformance',
    requestId,
  };
}

function signalRequest(workflowId: string, value: string, requestId: string) {
  return { namespace: 'default', workflowExecution: { workflowId }, signalName: 'add', input: encodePayloads(value), identity: 'conformance', requestId };
}

async function waitForEvents(handle: WorkflowHandle, names: string[], what: string): Promise<void> {
  const probe = async () => {
    const seen = eventNames(await handle.fetchHistory());
    return names.every((n) => seen.includes(n)) ? true : undefined;
  };
  await eventually(probe, 20_000, what);
}

/** Each step happened exactly once, and both signals (one sent before the kill) are recorded. */
async function expectIntactHistory(history: History, workflowBundle: WorkflowBundleWithSourceMap, workflowId: string): Promise<void> {
  assertWellFormed(history);
  const names = eventNames(history);
  for (const once of ['WorkflowExecutionStarted', 'ActivityTaskScheduled', 'TimerStarted', 'TimerFired', 'WorkflowExecutionCompleted']) {
    expect(names.filter((n) => n === once), once).toHaveLength(1);
  }
  expect(names.filter((n) => /^ActivityTask(Completed|Failed|TimedOut)$/.test(n))).toEqual(['ActivityTaskCompleted']);
  const signals = eventsNamed(history, 'WorkflowExecutionSignaled').map((e) => decodePayloads(attrsOf(e).input as never)[0]);
  expect(signals).toEqual(['before-kill', 'go']);
  await Worker.runReplayHistory({ workflowBundle }, history, workflowId);
}

describe('server crash and restart', () => {
  // why: two cold server starts and a webpack bundle on a shared 2-core machine can exceed 60 s.
  it('survives kill -9 mid-workflow: no lost or duplicated events, request ids still dedupe', { timeout: 120_000 }, async () => {
    installQuietRuntime();
    const port = await freePort();
    const dbArgs = ['--db-filename', join(dir, 'history.db')];
    servers.push(await spawnServer(port, dbArgs));
    const address = `127.0.0.1:${port}`;
    const client = new Client({ connection: await Connection.connect({ address }) });
    const native = await NativeConnection.connect({ address });
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: workflowsPath('worker-workflows'), logger: quietLogger() });
    const taskQueue = uniqueQueue('crash');
    const worker = await Worker.create({ connection: native, taskQueue, workflowBundle, activities: createActivities(new ActivityLog()) });
    const running = worker.run();
    try {
      const [workflowId, key, startId, signalId] = [uniqueId('crash'), uniqueId('crash-act'), randomUUID(), randomUUID()];
      const { runId } = await client.workflowService.startWorkflowExecution(startRequest(workflowId, taskQueue, key, startId));
      const handle = client.workflow.getHandle(workflowId);
      await waitForEvents(handle, ['ActivityTaskScheduled', 'TimerStarted'], 'activity and timer scheduled');
      await client.workflowService.signalWorkflowExecution(signalRequest(workflowId, 'before-kill', signalId));
      await waitForEvents(handle, ['WorkflowExecutionSignaled'], 'signal recorded');

      await killServer(servers[0]!, 'SIGKILL');
      servers.push(await spawnServer(port, dbArgs));

      // the same request ids, re-sent after the restart, must not start or signal anything twice
      const again = await client.workflowService.startWorkflowExecution(startRequest(workflowId, taskQueue, key, startId));
      expect(again.runId).toBe(runId);
      await client.workflowService.signalWorkflowExecution(signalRequest(workflowId, 'before-kill', signalId));
      await handle.signal('add', 'go');
      expect((await handle.result()) as CrashOutcome).toEqual({ activity: 'slept 2500', signals: ['before-kill', 'go'] });
      await expectIntactHistory(await handle.fetchHistory(), workflowBundle, workflowId);
      // visibility is rebuilt from the file too
      expect((await client.workflow.count(`WorkflowId = '${workflowId}' AND ExecutionStatus = 'Completed'`)).count).toBe(1);
    } finally {
      worker.shutdown();
      await running;
      await native.close();
      await client.connection.close();
    }
  });
});
