import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteBudget, getBudgetsWithUsage, release, reserve, setBudget, settle } from '../../db/queries/budgets.js';
import { backends, openTestDatabase, type TestDatabase } from './helpers.js';

const now = new Date('2026-11-25T12:00:00Z');

describe.each(backends())('budgets on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => db.close());

  const fresh = () => `t-${randomUUID().slice(0, 8)}`;
  const req = (tenant: string, amounts: Record<string, number>, over: Record<string, unknown> = {}) => ({
    key: randomUUID(), tenant, agentId: 'agent-1', taskId: 'task-1', amounts, now, ...over,
  });
  const counters = async (tenant: string) =>
    Object.fromEntries((await getBudgetsWithUsage(db.pool, tenant, { now, taskId: 'task-1' })).map((b) => [b.id, b.usage]));

  it('never overspends under 200 concurrent reservations, and names the exhausted budget', async () => {
    const tenant = fresh();
    const budget = await setBudget(db.pool, { tenant, scope: 'tenant', metric: 'cost_usd', window: 'day', limit: 50 });
    const agentCalls = await setBudget(db.pool, { tenant, scope: 'agent', scopeRef: 'agent-1', metric: 'tool_calls', window: 'month', limit: 1000 });
    const results = await Promise.all(Array.from({ length: 200 }, () => reserve(db.pool, req(tenant, { cost_usd: 1, tool_calls: 1 }))));
    const granted = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    expect(granted).toHaveLength(50);
    expect(refused).toHaveLength(150);
    for (const r of refused) {
      if (r.ok) continue;
      expect(r.exceeded).toMatchObject({ budgetId: budget.id, scope: 'tenant', metric: 'cost_usd', window: 'day', windowKey: 'day:2026-11-25', limit: 50, requested: 1 });
      expect(r.exceeded.used + r.exceeded.reserved).toBe(50);
    }
    const usage = await counters(tenant);
    expect(usage[budget.id]).toEqual([{ windowKey: 'day:2026-11-25', subject: tenant, used: 0, reserved: 50 }]);
    // A refusal by one budget must not leave a hold on the others.
    expect(usage[agentCalls.id]).toEqual([{ windowKey: 'month:2026-11', subject: 'agent-1', used: 0, reserved: 50 }]);
  });

  it('replays the first answer for a repeated key, even under concurrency', async () => {
    const tenant = fresh();
    const budget = await setBudget(db.pool, { tenant, scope: 'task', metric: 'tool_calls', window: 'task', limit: 10 });
    const r = req(tenant, { tool_calls: 3 });
    const all = await Promise.all(Array.from({ length: 10 }, () => reserve(db.pool, r)));
    for (const x of all) expect(x).toEqual(all[0]);
    expect(all[0]).toMatchObject({ ok: true, status: 'RESERVED' });
    expect((await counters(tenant))[budget.id]).toEqual([{ windowKey: 'task:task-1', subject: 'task-1', used: 0, reserved: 3 }]);
  });

  it('settles with actual usage once, and a second settle or a late release changes nothing', async () => {
    const tenant = fresh();
    const cost = await setBudget(db.pool, { tenant, scope: 'tenant', metric: 'cost_usd', window: 'month', limit: 100 });
    const tokens = await setBudget(db.pool, { tenant, scope: 'tenant', metric: 'tokens', window: 'month', limit: 1000 });
    const r = req(tenant, { cost_usd: 10 });
    await reserve(db.pool, r);
    const first = await settle(db.pool, { key: r.key, actual: { tokens: 250 } });
    // cost_usd was not reported: the reserved 10 stands; tokens were not reserved but are charged.
    expect(first).toMatchObject({ ok: true, status: 'SETTLED' });
    expect(await settle(db.pool, { key: r.key, actual: { cost_usd: 99, tokens: 999 } })).toEqual(first);
    expect(await release(db.pool, { key: r.key })).toEqual({ ok: false, key: r.key, code: 'SETTLED' });
    const usage = await counters(tenant);
    expect(usage[cost.id]).toEqual([{ windowKey: 'month:2026-11', subject: tenant, used: 10, reserved: 0 }]);
    expect(usage[tokens.id]).toEqual([{ windowKey: 'month:2026-11', subject: tenant, used: 250, reserved: 0 }]);
  });

  it('releases a hold once and refuses to settle a released reservation', async () => {
    const tenant = fresh();
    const cost = await setBudget(db.pool, { tenant, scope: 'tenant', metric: 'cost_usd', window: 'day', limit: 5 });
    const r = req(tenant, { cost_usd: 4.5 });
    expect(await reserve(db.pool, r)).toMatchObject({ ok: true });
    expect(await reserve(db.pool, req(tenant, { cost_usd: 1 }))).toMatchObject({ ok: false });
    const first = await release(db.pool, { key: r.key });
    expect(first).toEqual({ ok: true, key: r.key, status: 'RELEASED', released: [{ budgetId: cost.id, metric: 'cost_usd', amount: 4.5 }] });
    expect(await release(db.pool, { key: r.key })).toEqual(first);
    expect(await settle(db.pool, { key: r.key, actual: { cost_usd: 1 } })).toEqual({ ok: false, key: r.key, code: 'RELEASED' });
    expect((await counters(tenant))[cost.id]).toEqual([{ windowKey: 'day:2026-11-25', subject: tenant, used: 0, reserved: 0 }]);
    expect(await reserve(db.pool, req(tenant, { cost_usd: 5 }))).toMatchObject({ ok: true });
  });

  it('keeps a refusal final for its key even after the limit is raised', async () => {
    const tenant = fresh();
    await setBudget(db.pool, { tenant, scope: 'agent', metric: 'wall_time_ms', window: 'day', limit: 100 });
    const r = req(tenant, { wall_time_ms: 500 });
    const first = await reserve(db.pool, r);
    expect(first).toMatchObject({ ok: false, exceeded: { scope: 'agent', scopeRef: null, subject: 'agent-1', used: 0, reserved: 0, requested: 500 } });
    await setBudget(db.pool, { tenant, scope: 'agent', metric: 'wall_time_ms', window: 'day', limit: 1000 });
    expect(await reserve(db.pool, r)).toEqual(first);
    expect(await reserve(db.pool, req(tenant, { wall_time_ms: 500 }))).toMatchObject({ ok: true });
  });

  it('counts agents and days separately and ignores other agents\' named limits', async () => {
    const tenant = fresh();
    const each = await setBudget(db.pool, { tenant, scope: 'agent', metric: 'tool_calls', window: 'day', limit: 1 });
    await setBudget(db.pool, { tenant, scope: 'agent', scopeRef: 'agent-2', metric: 'tool_calls', window: 'day', limit: 0 });
    expect(await reserve(db.pool, req(tenant, { tool_calls: 1 }))).toMatchObject({ ok: true });
    expect(await reserve(db.pool, req(tenant, { tool_calls: 1 }))).toMatchObject({ ok: false, exceeded: { budgetId: each.id } });
    expect(await reserve(db.pool, req(tenant, { tool_calls: 1 }, { now: new Date('2026-11-26T00:00:00Z') }))).toMatchObject({ ok: true });
    expect(await reserve(db.pool, req(tenant, { tool_calls: 1 }, { agentId: 'agent-2' }))).toMatchObject({ ok: false });
    expect(await reserve(db.pool, req(tenant, { tool_calls: 1 }, { agentId: 'agent-3' }))).toMatchObject({ ok: true });
  });

  it('settles a reservation whose budget was deleted meanwhile', async () => {
    const tenant = fresh();
    const doomed = await setBudget(db.pool, { tenant, scope: 'tenant', metric: 'tokens', window: 'day', limit: 100 });
    const kept = await setBudget(db.pool, { tenant, scope: 'tenant', metric: 'tool_calls', window: 'day', limit: 5 });
    const r = req(tenant, { tokens: 10, tool_calls: 1 });
    await reserve(db.pool, r);
    expect(await deleteBudget(db.pool, tenant, doomed.id)).toBe(true);
    expect(await settle(db.pool, { key: r.key, actual: { tokens: 12 } })).toMatchObject({ ok: true });
    expect((await counters(tenant))[kept.id]).toEqual([{ windowKey: 'day:2026-11-25', subject: tenant, used: 1, reserved: 0 }]);
  });

  it('refuses to replay a key for another tenant and validates input', async () => {
    const tenant = fresh();
    const r = req(tenant, { cost_usd: 1 });
    await reserve(db.pool, r);
    await expect(reserve(db.pool, { ...r, tenant: fresh() })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(reserve(db.pool, req(tenant, { cost_usd: -1 }))).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'amounts.cost_usd' }] });
    await expect(reserve(db.pool, req(tenant, { dollars: 1 }))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(setBudget(db.pool, { tenant, scope: 'tenant', scopeRef: 'x', metric: 'tokens', window: 'day', limit: 1 })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT', issues: [{ path: 'scopeRef' }],
    });
    expect(await settle(db.pool, { key: 'missing', actual: {} })).toEqual({ ok: false, key: 'missing', code: 'NOT_FOUND' });
  });
});
