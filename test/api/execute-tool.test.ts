/**
 * The tool activity run again for a step that already acted: what a local activity does when its worker
 * died before the workflow task completed (the next worker runs it again from the start), and what a
 * retried ordinary activity does. Real database, real tool runtime, the demo tenant's real tasks.
 */
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { claimExecution } from '../../db/queries/tool-executions.js';
import { executionKey } from '../../activities/assess.js';
import { digestJson } from '../../lib/canonical-json.js';
import { createToolRuntime } from '../../tools/runtime.js';
import { startRealApi, type Json, type RealApi } from '../support/real-api.js';

describe('executeTool run again for a step that already acted', () => {
  let stack: RealApi;
  let activities: ReturnType<typeof createActivities>;
  const SUBMIT = 'mutation($i: SubmitTaskInput!) { submitTask(input: $i) { id } }';
  const TASK = 'query($id: ID!) { task(id: $id) { status outcome steps { stepId state executed approval { id status } } } }';

  beforeAll(async () => {
    stack = await startRealApi({ taskQueue: 'execute-tool-test' });
    activities = createActivities({ db: stack.db.pool, tools: createToolRuntime({ pool: stack.db.pool, sandboxDir: join(stack.dataDir, 'sandbox') }), now: () => new Date() });
  }, 180_000);
  afterAll(async () => stack?.close());

  async function finished(id: string): Promise<Json> {
    for (let i = 0; i < 150; i++) {
      const r = await stack.ok(stack.demo.agentToken, TASK, { id });
      if (r.task.outcome) return r.task;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`task ${id} did not finish`);
  }

  async function callOf(id: string, stepId: string) {
    const { rows } = await stack.db.pool.query<{ tenant: string; agent_id: string; plan: unknown }>('SELECT tenant, agent_id, plan FROM tasks WHERE id = $1', [id]);
    const row = rows[0]!;
    return { taskId: id, tenant: row.tenant, agentId: row.agent_id, stepId, planVersion: digestJson(row.plan) };
  }

  it('answers the recorded outcome without acting again: no result in the answer, the recorded usage', async () => {
    // an internal e-mail needs no approval; the outbox row is what the tool did
    const id = (await stack.ok(stack.demo.agentToken, SUBMIT, { i: { goal: 'mail once', plan: { steps: [{ stepId: 'm', tool: 'send_email', args: { to: 'ops@example.com', subject: 'once', body: 'only once' } }] } } })).submitTask.id as string;
    expect((await finished(id)).outcome).toBe('COMPLETED');
    const count = async (sql: string) => (await stack.db.pool.query<{ n: string }>(sql, [id])).rows[0]!.n;
    const outbox = () => count('SELECT count(*) AS n FROM outbox_emails WHERE task_id = $1');
    const executed = () => count("SELECT count(*) AS n FROM audit_events WHERE task_id = $1 AND event_type = 'tool.executed'");
    expect([await outbox(), await executed()]).toEqual(['1', '1']);
    const { rows: [exec] } = await stack.db.pool.query<{ usage: unknown }>('SELECT usage FROM tool_executions WHERE key = $1', [executionKey(id, 'm')]);
    expect(exec!.usage).toEqual({ costUsd: 0.01, tokens: 0, wallTimeMs: expect.any(Number) });

    const again = await activities.executeTool(await callOf(id, 'm'));
    expect(again).toMatchObject({ ok: true, resultDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // why no result: history keeps the digest only
    expect(again.result).toBeUndefined();
    // the usage recorded with the outcome, as the first attempt settled it
    expect(again.usage).toEqual(exec!.usage);
    // nothing sent twice, and the audit event is the same one (derived id), not a second
    expect([await outbox(), await executed()]).toEqual(['1', '1']);
  });

  it('fails a step whose result is too large to keep, storing the failure and not the result', async () => {
    // 100 rows of 20 kB: 2 MB, twice what a step keeps (the result would also travel through history)
    const query = "SELECT repeat('x', 20000) AS s FROM generate_series(1, 100)";
    const id = (await stack.ok(stack.demo.agentToken, SUBMIT, { i: { goal: 'too much', plan: { steps: [{ stepId: 'q', tool: 'run_sql', args: { query } }] } } })).submitTask.id as string;
    const t = await finished(id);
    expect(t.steps[0]).toMatchObject({ state: 'FAILED', executed: false });
    const { rows: [exec] } = await stack.db.pool.query<{ status: string; result: unknown; error: { code: string; message: string } }>('SELECT status, result, error FROM tool_executions WHERE key = $1', [executionKey(id, 'q')]);
    expect(exec).toMatchObject({ status: 'FAILED', result: null, error: { code: 'RESULT_TOO_LARGE', message: expect.stringContaining('at most 1048576') } });
  });

  it('asks to be retried when the lease of a running attempt ends, instead of acting beside it', async () => {
    // an external e-mail waits for approval: its step is assessed and not yet executed
    const id = (await stack.ok(stack.demo.agentToken, SUBMIT, { i: { goal: 'mail later', plan: { steps: [{ stepId: 'm', tool: 'send_email', args: { to: 'zed@partner.test', subject: 's', body: 'b' } }] } } })).submitTask.id as string;
    const call = await callOf(id, 'm');
    const now = new Date();
    const held = await claimExecution(stack.db.pool, { key: executionKey(id, 'm'), tenant: call.tenant, taskId: id, stepId: 'm', tool: 'send_email', now, leaseMs: 5_000 });
    expect(held.claimed).toBe(true);
    const err = await activities.executeTool(call).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('EXECUTION_IN_PROGRESS');
    expect((err as ApplicationFailure).nonRetryable).toBe(false);
    const delay = Number((err as ApplicationFailure).nextRetryDelay);
    expect(delay).toBeGreaterThan(3_000);
    expect(delay).toBeLessThanOrEqual(5_200);
    const outbox = await stack.db.pool.query("SELECT 1 FROM outbox_emails WHERE task_id = $1", [id]);
    expect(outbox.rowCount).toBe(0);
    await stack.ok(stack.adminToken, 'mutation($id: ID!) { cancelTask(id: $id, reason: "test done") { id } }', { id }).catch(() => undefined);
  });
});
