/**
 * The per-submitter approval queue limit (MAX_PENDING_APPROVALS) holds when requests race. Each
 * requestApproval counts the submitter's pending approvals and then opens one; without the
 * transaction lock of that submitter's queue, concurrent requests would all count the same free
 * places and all open an approval, so an agent firing in parallel could bury its approvers anyway
 * (OWASP agentic T10). On Postgres the requests run on separate connections, truly at once; PGlite
 * has one connection, so there it checks the same outcome with the requests serialised.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalActivities, approvalIdFor } from '../../activities/approvals.js';
import type { ActivityDeps } from '../../activities/deps.js';
import { verifyStoredChain } from '../../db/queries/audit.js';
import type { StepAssessment } from '../../governance/types.js';
import type { ApprovalTicket } from '../../workflows/contract.js';
import { backends, openTestDatabase, type TestDatabase } from './helpers.js';

const LIMIT = 3;
const TENANT = 'acme';
const t0 = new Date('2026-11-25T12:00:00Z');
const ARGS_DIGEST = 'a'.repeat(64);

const assessment: StepAssessment = {
  stepId: 's1', tool: 'send_email', decision: 'REQUIRE_APPROVAL', reasons: [{ code: 'APPROVAL', message: 'needs a person' }],
  determiningPolicies: ['p-approve'], policySetVersion: 'v1', risk: { score: 70, level: 'high', factors: [] },
  tainted: false, taintSources: [], argsDigest: ARGS_DIGEST, evaluatedAt: t0.toISOString(),
};

describe.each(backends())('approval queue limit under concurrent requests on %s', (kind) => {
  let db: TestDatabase;
  let acts: ReturnType<typeof approvalActivities>;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const deps: ActivityDeps = {
      db: db.pool,
      tools: { builtins: () => [], execute: () => Promise.reject(new Error('requestApproval runs no tool')) },
      // why a fixed clock: every approval stays unexpired, so the count depends only on the race
      now: () => t0,
      maxPendingApprovals: LIMIT,
    };
    acts = approvalActivities(deps);
  });
  afterAll(async () => db.close());

  const request = (submitter: string, taskId: string): Promise<ApprovalTicket> =>
    acts.requestApproval({
      taskId, tenant: TENANT, stepId: 's1', tool: 'send_email', argsDigest: ARGS_DIGEST, planVersion: 'p1', assessment,
      submittedBy: { kind: 'agent', id: submitter }, actingFor: [submitter], timeoutMs: 60_000,
    });

  // why: connections the pool opens lazily would stagger the first requests; opened beforehand, they all start together
  const warmPool = async () => {
    const clients = await Promise.all(Array.from({ length: db.maxConnections }, () => db.pool.connect()));
    for (const c of clients) c.release();
  };

  const pendingOf = async (submitter: string): Promise<number> =>
    (await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM approvals WHERE tenant = $1 AND submitted_by = $2 AND status = 'PENDING'", [TENANT, submitter])).rows[0]!.n;

  const auditCounts = async (taskIds: string[]): Promise<Record<string, number>> => {
    const r = await db.pool.query<{ event_type: string; n: number }>(
      'SELECT event_type, count(*)::int AS n FROM audit_events WHERE task_id = ANY($1::text[]) GROUP BY event_type', [taskIds],
    );
    return Object.fromEntries(r.rows.map((row) => [row.event_type, row.n]));
  };

  const expectChainsIntact = async (taskIds: string[]) => {
    for (const taskId of taskIds) expect(await verifyStoredChain(db.pool, taskId)).toMatchObject({ ok: true, length: 1 });
  };

  const tasks = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

  it('opens exactly the limit of many concurrent requests from one submitter and refuses the rest, audited once each', async () => {
    const ids = tasks('alice', 12);
    await warmPool();
    const tickets = await Promise.all(ids.map((id) => request('alice', id)));

    const opened = tickets.filter((t) => !t.refused);
    const refused = tickets.filter((t) => t.refused);
    expect(opened).toHaveLength(LIMIT);
    expect(refused).toHaveLength(12 - LIMIT);
    for (const t of refused) expect(t.refused).toMatchObject({ code: 'APPROVAL_QUEUE_FULL', message: expect.stringContaining(`at most ${LIMIT}`) });
    expect(await pendingOf('alice')).toBe(LIMIT);
    // a refused request must leave no approval behind, or it would hold a place it was denied
    const rows = await db.pool.query<{ approval_id: string }>('SELECT approval_id FROM approvals WHERE task_id = ANY($1::text[])', [ids]);
    expect(rows.rows.map((r) => r.approval_id).sort()).toEqual(opened.map((t) => t.approvalId).sort());

    expect(await auditCounts(ids)).toEqual({ 'approval.requested': LIMIT, 'approval.refused': 12 - LIMIT });
    // every refusal saw a full queue: with a racing count it would record fewer pending than the limit
    const refusals = await db.pool.query<{ event: { data: { pending: number; limit: number } } }>(
      "SELECT event FROM audit_events WHERE task_id = ANY($1::text[]) AND event_type = 'approval.refused'", [ids],
    );
    for (const r of refusals.rows) expect(r.event.data).toMatchObject({ pending: LIMIT, limit: LIMIT });
    await expectChainsIntact(ids);
  });

  it("leaves another submitter of the tenant its own queue while the first one's is full", async () => {
    const full = tasks('carol', LIMIT);
    for (const id of full) expect((await request('carol', id)).refused).toBeUndefined();
    expect(await pendingOf('carol')).toBe(LIMIT);

    // why one burst: dave's queue must neither wait behind carol's lock nor be counted with it, and still hold its own limit
    const carolMore = tasks('carol-more', 3);
    const dave = tasks('dave', 5);
    await warmPool();
    const [carolTickets, daveTickets] = await Promise.all([
      Promise.all(carolMore.map((id) => request('carol', id))),
      Promise.all(dave.map((id) => request('dave', id))),
    ]);

    expect(carolTickets.map((t) => t.refused?.code)).toEqual(carolMore.map(() => 'APPROVAL_QUEUE_FULL'));
    expect(daveTickets.filter((t) => !t.refused)).toHaveLength(LIMIT);
    expect(daveTickets.filter((t) => t.refused?.code === 'APPROVAL_QUEUE_FULL')).toHaveLength(dave.length - LIMIT);
    expect(await pendingOf('carol')).toBe(LIMIT);
    expect(await pendingOf('dave')).toBe(LIMIT);
    expect(await auditCounts(dave)).toEqual({ 'approval.requested': LIMIT, 'approval.refused': dave.length - LIMIT });
    await expectChainsIntact([...carolMore, ...dave]);
  });

  it('gives retries racing their first attempt for the last place the one approval they all ask for, refusing none', async () => {
    for (const id of tasks('erin', LIMIT - 1)) expect((await request('erin', id)).refused).toBeUndefined();
    const taskId = 'erin-retried';
    const approvalId = approvalIdFor(taskId, 's1', 'p1');

    // why: a retry that looked for its approval before waiting for the queue's lock would miss the row
    // its first attempt was committing, then count that row as taking the last place, and be refused
    await warmPool();
    const tickets = await Promise.all(Array.from({ length: 6 }, () => request('erin', taskId)));

    expect(tickets.map((t) => t.refused)).toEqual(tickets.map(() => undefined));
    expect(new Set(tickets.map((t) => t.approvalId))).toEqual(new Set([approvalId]));
    expect(new Set(tickets.map((t) => t.binding)).size).toBe(1);
    const rows = await db.pool.query<{ approval_id: string; status: string }>('SELECT approval_id, status FROM approvals WHERE task_id = $1', [taskId]);
    expect(rows.rows).toEqual([{ approval_id: approvalId, status: 'PENDING' }]);
    expect(await pendingOf('erin')).toBe(LIMIT);
    expect(await auditCounts([taskId])).toEqual({ 'approval.requested': 1 });
    await expectChainsIntact([taskId]);

    // the retries took one place between them, not one each: the queue is now exactly full
    expect((await request('erin', 'erin-next')).refused?.code).toBe('APPROVAL_QUEUE_FULL');
  });
});
