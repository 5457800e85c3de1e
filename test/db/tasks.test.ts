import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSteps, upsertStep } from '../../db/queries/steps.js';
import { encodeTaskCursor, getTask, insertTask, listTasks, updateTask } from '../../db/queries/tasks.js';
import { backends, openTestDatabase, type TestDatabase } from './helpers.js';

const plan = { planId: 'p1', goal: 'report', steps: [{ stepId: 's1', tool: 'run_sql', args: { sql: 'select 1' } }] };

describe.each(backends())('tasks and steps on %s', (kind) => {
  let db: TestDatabase;
  const ids: string[] = [];
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    // 7 tasks; three share one millisecond so the id tie-break is exercised.
    const times = ['2026-11-25T10:00:00.000Z', '2026-11-25T10:00:01.000Z', '2026-11-25T10:00:02.000Z', '2026-11-25T10:00:02.000Z', '2026-11-25T10:00:02.000Z', '2026-11-25T10:00:03.000Z', '2026-11-25T10:00:04.000Z'];
    for (const [i, at] of times.entries()) {
      const id = `task-${i}`;
      ids.push(id);
      await insertTask(db.pool, { id, tenant: 'acme', agentId: i % 2 ? 'a1' : 'a2', submittedBy: 'alice', goal: `goal ${i}`, createdAt: new Date(at), plan });
    }
    await insertTask(db.pool, { id: 'other-tenant', tenant: 'evil', agentId: 'a1', submittedBy: 'm', createdAt: new Date('2026-11-25T10:00:02.000Z') });
  });
  afterAll(async () => db.close());

  it('walks every task exactly once forwards and backwards with keyset cursors', async () => {
    const forward: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await listTasks(db.pool, { tenant: 'acme' }, { first: 2, ...(after ? { after } : {}) });
      forward.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    // Equal timestamps order by id descending.
    expect(forward).toEqual(['task-6', 'task-5', 'task-4', 'task-3', 'task-2', 'task-1', 'task-0']);
    const backward: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await listTasks(db.pool, { tenant: 'acme' }, { last: 3, ...(before ? { before } : {}) });
      backward.unshift(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor!;
    }
    expect(backward).toEqual(forward);
  });

  it('filters by agent and keeps new arrivals out of pages already being walked', async () => {
    const first = await listTasks(db.pool, { tenant: 'acme', agentId: 'a1' }, { first: 2 });
    expect(first.edges.map((e) => e.node.id)).toEqual(['task-5', 'task-3']);
    await insertTask(db.pool, { id: 'task-new', tenant: 'acme', agentId: 'a1', submittedBy: 'alice', createdAt: new Date('2026-11-25T11:00:00Z') });
    const second = await listTasks(db.pool, { tenant: 'acme', agentId: 'a1' }, { first: 5, after: first.pageInfo.endCursor! });
    expect(second.edges.map((e) => e.node.id)).toEqual(['task-1']);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('rejects forged cursors and contradictory page arguments', async () => {
    await expect(listTasks(db.pool, { tenant: 'acme' }, { after: 'bm9wZQ' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'after' }] });
    await expect(listTasks(db.pool, { tenant: 'acme' }, { first: 1, last: 1 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'last' }] });
    // A well-formed cursor cannot reach another tenant's rows.
    const cursor = encodeTaskCursor({ createdAt: '2026-11-25T10:00:02.500Z', id: 'zzz' });
    const page = await listTasks(db.pool, { tenant: 'acme' }, { first: 50, after: cursor });
    expect(page.edges.map((e) => e.node.id)).not.toContain('other-tenant');
  });

  it('inserts idempotently, hides other tenants and updates only the given fields', async () => {
    const again = await insertTask(db.pool, { id: 'task-0', tenant: 'acme', agentId: 'changed', submittedBy: 'x' });
    expect(again).toMatchObject({ agentId: 'a2', plan: { planId: 'p1', steps: [{ stepId: 's1', dependsOn: [], provenance: {} }] } });
    await expect(insertTask(db.pool, { id: 'task-0', tenant: 'evil', agentId: 'a', submittedBy: 'x' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await getTask(db.pool, 'evil', 'task-0')).toBeNull();
    const done = await updateTask(db.pool, 'acme', 'task-0', { status: 'DONE', outcome: 'PARTIALLY_BLOCKED', riskLevel: 'high', completedAt: new Date('2026-11-25T12:00:00Z') });
    expect(done).toMatchObject({ status: 'DONE', outcome: 'PARTIALLY_BLOCKED', riskLevel: 'high', goal: 'goal 0', completedAt: '2026-11-25T12:00:00.000Z' });
    expect(await updateTask(db.pool, 'evil', 'task-0', { status: 'RUNNING' })).toBeNull();
    await expect(updateTask(db.pool, 'acme', 'task-0', { outcome: 'WON' as never })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'outcome' }] });
  });

  it('merges step records written by different activities', async () => {
    await upsertStep(db.pool, { taskId: 'task-1', stepId: 's1', tool: 'run_sql', args: { sql: 'select 1' } });
    await upsertStep(db.pool, {
      taskId: 'task-1', stepId: 's1', tool: 'run_sql', decision: 'ALLOW', reasons: [{ code: 'PERMIT', message: 'permitted', policyId: 'p1' }],
      risk: { score: 10, level: 'low', factors: [] },
    });
    const step = await upsertStep(db.pool, { taskId: 'task-1', stepId: 's1', tool: 'run_sql', executed: true, result: { rows: [] } });
    expect(step).toMatchObject({ args: { sql: 'select 1' }, decision: 'ALLOW', reasons: [{ code: 'PERMIT' }], risk: { level: 'low' }, executed: true, result: { rows: [] }, error: null });
    expect(await listSteps(db.pool, 'task-1')).toHaveLength(1);
  });
});
