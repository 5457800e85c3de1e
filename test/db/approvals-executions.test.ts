import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideApproval, getApproval, listApprovals, openApproval, closeApproval } from '../../db/queries/approvals.js';
import { claimExecution, completeExecution } from '../../db/queries/tool-executions.js';
import { listSteps, upsertStep } from '../../db/queries/steps.js';
import { getTaskBundle } from '../../db/queries/task-bundle.js';
import { getTask, insertTask } from '../../db/queries/tasks.js';
import { backends, openTestDatabase, type TestDatabase } from './helpers.js';

const t0 = new Date('2026-11-25T12:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

describe.each(backends())('approvals and tool executions on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => db.close());

  const open = (over: Record<string, unknown> = {}) =>
    openApproval(db.pool, {
      approvalId: randomUUID(), tenant: 'acme', taskId: 'task-1', stepId: 's1', tool: 'send_email', argsDigest: 'a'.repeat(64), planVersion: 'p1',
      binding: 'task-1/s1/aaaa', requestedAt: t0, expiresAt: later(60_000), submittedBy: 'alice', actingFor: ['alice'], policyIds: ['p-approve'], ...over,
    });

  it('lets exactly one of many concurrent decisions win', async () => {
    const a = await open();
    const verdicts = Array.from({ length: 20 }, (_, i) => (i % 2 ? 'APPROVED' : 'DENIED') as 'APPROVED' | 'DENIED');
    const results = await Promise.all(verdicts.map((verdict, i) => decideApproval(db.pool, { tenant: 'acme', approvalId: a.approvalId, verdict, decidedBy: `bob${i}`, now: later(1000) })));
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.ok ? winners[0]!.approval : null;
    for (const r of results.filter((x) => !x.ok)) expect(r).toEqual({ ok: false, code: 'ALREADY_DECIDED', approval: winner });
    expect(await getApproval(db.pool, 'acme', a.approvalId)).toEqual(winner);
  });

  it('refuses a decision after the deadline, from another tenant, or on a closed approval', async () => {
    const a = await open();
    expect(await decideApproval(db.pool, { tenant: 'acme', approvalId: a.approvalId, verdict: 'APPROVED', decidedBy: 'bob', now: later(60_000) })).toMatchObject({ ok: false, code: 'EXPIRED' });
    expect(await decideApproval(db.pool, { tenant: 'evil', approvalId: a.approvalId, verdict: 'APPROVED', decidedBy: 'mallory', now: later(1) })).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect(await closeApproval(db.pool, { tenant: 'acme', approvalId: a.approvalId, status: 'EXPIRED', reason: 'deadline passed', now: later(60_000) })).toMatchObject({ status: 'EXPIRED', decidedBy: 'system' });
    expect(await closeApproval(db.pool, { tenant: 'acme', approvalId: a.approvalId, status: 'CANCELLED', reason: 'x', now: later(60_001) })).toBeNull();
    expect((await listApprovals(db.pool, 'acme', { status: 'EXPIRED' })).map((x) => x.approvalId)).toContain(a.approvalId);
  });

  it('opens an approval idempotently and validates the binding fields', async () => {
    const approvalId = randomUUID();
    const first = await open({ approvalId });
    expect(await open({ approvalId, tool: 'other' })).toEqual(first);
    await expect(open({ argsDigest: 'nope' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'argsDigest' }] });
    await expect(open({ approvalId, tenant: 'evil' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('grants a tool execution to exactly one of many concurrent claimants', async () => {
    const key = `task-1/s-${randomUUID()}`;
    const claims = await Promise.all(Array.from({ length: 30 }, () => claimExecution(db.pool, { key, tenant: 'acme', tool: 'send_email', now: t0, leaseMs: 60_000 })));
    const winners = claims.filter((c) => c.claimed);
    expect(winners).toHaveLength(1);
    const attempt = winners[0]!.execution.attempt;
    expect(await completeExecution(db.pool, { key, tenant: 'acme', attempt, status: 'SUCCEEDED', result: { messageId: 'm1' }, now: later(5) })).toMatchObject({ status: 'SUCCEEDED' });
    const retry = await claimExecution(db.pool, { key, tenant: 'acme', tool: 'send_email', now: later(10), leaseMs: 60_000 });
    expect(retry).toMatchObject({ claimed: false, execution: { status: 'SUCCEEDED', result: { messageId: 'm1' }, attempt: 1 } });
    expect(await completeExecution(db.pool, { key, tenant: 'acme', attempt, status: 'FAILED', error: { message: 'late' }, now: later(11) })).toBeNull();
  });

  it('hands an expired claim to exactly one retry and ignores the stale holder', async () => {
    const key = `task-1/s-${randomUUID()}`;
    await claimExecution(db.pool, { key, tenant: 'acme', tool: 'http_get', now: t0, leaseMs: 1000 });
    expect(await claimExecution(db.pool, { key, tenant: 'acme', tool: 'http_get', now: later(500), leaseMs: 1000 })).toMatchObject({ claimed: false, execution: { status: 'RUNNING' } });
    const retries = await Promise.all(Array.from({ length: 10 }, () => claimExecution(db.pool, { key, tenant: 'acme', tool: 'http_get', now: later(2000), leaseMs: 1000 })));
    expect(retries.filter((r) => r.claimed).map((r) => r.execution.attempt)).toEqual([2]);
    expect(await completeExecution(db.pool, { key, tenant: 'acme', attempt: 1, status: 'SUCCEEDED', now: later(2001) })).toBeNull();
    await expect(claimExecution(db.pool, { key, tenant: 'evil', tool: 'http_get', now: later(2002), leaseMs: 1000 })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('reads a task in one round trip: the task, its steps and its approvals exactly as the separate reads do, and nothing of another tenant', async () => {
    await insertTask(db.pool, { id: 'bundle-1', tenant: 'acme', agentId: 'a1', submittedBy: 'alice', createdAt: t0 });
    expect(await getTaskBundle(db.pool, 'acme', 'bundle-1')).toEqual({ task: await getTask(db.pool, 'acme', 'bundle-1'), steps: [], approvals: [] });
    await upsertStep(db.pool, { taskId: 'bundle-1', stepId: 's2', tool: 'send_email', args: { to: 'x@example.com' }, decision: 'REQUIRE_APPROVAL', reasons: [{ code: 'APPROVAL', message: 'needs a person' }] });
    await upsertStep(db.pool, { taskId: 'bundle-1', stepId: 's1', tool: 'read_file', args: { path: 'a.txt' }, decision: 'ALLOW', executed: true, result: { bytes: 3 } });
    for (const stepId of ['s2', 's1']) {
      await openApproval(db.pool, {
        approvalId: randomUUID(), tenant: 'acme', taskId: 'bundle-1', stepId, tool: 'send_email', argsDigest: 'b'.repeat(64), planVersion: 'p1',
        binding: `bundle-1/${stepId}`, requestedAt: later(stepId === 's2' ? 5 : 9), expiresAt: later(60_000), submittedBy: 'alice', actingFor: [], policyIds: ['p'],
      });
    }
    const [first] = await listApprovals(db.pool, 'acme', { taskId: 'bundle-1' });
    await decideApproval(db.pool, { tenant: 'acme', approvalId: first!.approvalId, verdict: 'APPROVED', decidedBy: 'bob', now: later(1234) });
    const bundle = await getTaskBundle(db.pool, 'acme', 'bundle-1');
    expect(bundle).toEqual({
      task: await getTask(db.pool, 'acme', 'bundle-1'),
      steps: await listSteps(db.pool, 'bundle-1'),
      approvals: await listApprovals(db.pool, 'acme', { taskId: 'bundle-1' }),
    });
    expect(bundle!.approvals.map((a) => [a.stepId, a.status, a.decidedAt])).toEqual([['s2', 'APPROVED', later(1234).toISOString()], ['s1', 'PENDING', null]]);
    expect(await getTaskBundle(db.pool, 'evil', 'bundle-1')).toBeNull();
  });
});
