/**
 * Smoke test of the embedded Temporal service: the SDK launches bin/temporal-dev-server as an
 * existing-path executable, a real Worker runs a workflow with an activity, a timer, a signal and a
 * query, and the history the server wrote must replay deterministically.
 */
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { SmokeActivities } from './fixtures/smoke-workflows.js';

const SERVER = fileURLToPath(new URL('../../bin/temporal-dev-server', import.meta.url));
const WORKFLOWS = fileURLToPath(new URL('./fixtures/smoke-workflows.ts', import.meta.url));

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: SERVER } } }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS, logger: new DefaultLogger('ERROR') }),
  ]);
});

afterAll(async () => {
  await env?.teardown();
});

describe('embedded Temporal service (smoke)', () => {
  it('runs an activity, a timer, a signal and a query, and writes a replayable history', async () => {
    const taskQueue = `smoke-${randomUUID()}`;
    const activities: SmokeActivities = { greet: async (name) => `hello ${name}` };
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
    const result = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('smoke', { taskQueue, workflowId: `smoke-${randomUUID()}`, args: ['ada'] });
      await waitFor(async () => (await handle.query<string>('stage')) === 'waiting');
      await handle.signal('approve', 'grace');
      const out = await handle.result();
      expect(await handle.query<string>('stage')).toBe('done');
      const history = await handle.fetchHistory();
      const types = (history.events ?? []).map((e) => Number(e.eventType));
      expect(types).toEqual(expect.arrayContaining([1, 10, 11, 12, 17, 18, 26]));
      await Worker.runReplayHistory({ workflowBundle: bundle, replayName: 'smoke' }, history, handle.workflowId);
      return { out, types };
    });
    expect(result.out).toBe('hello ada; approved by grace');
    // 1 Started, 10 ActivityScheduled, 11 ActivityStarted, 12 ActivityCompleted, 17 TimerStarted,
    // 18 TimerFired, 26 Signaled, 2 WorkflowExecutionCompleted: the shape a real server writes
    expect(result.types[0]).toBe(1);
    expect(result.types.at(-1)).toBe(2);
    expect(result.types.filter((t) => t === 12)).toHaveLength(1);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}
