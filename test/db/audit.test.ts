import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvents, listAuditEvents, readChain, verifyStoredChain } from '../../db/queries/audit.js';
import { withTransaction } from '../../db/pool.js';
import { chainHash, GENESIS_HASH } from '../../governance/audit/chain.js';
import { buildAuditEvent } from '../../governance/audit/index.js';
import { backends, openTestDatabase, type TestDatabase } from './helpers.js';

const event = (tenant: string, taskId: string | undefined, type = 'STEP_DECIDED', extra: Record<string, unknown> = {}) => ({
  eventId: randomUUID(), tenant, ...(taskId === undefined ? {} : { taskId }), type, at: '2026-11-25T12:00:00.000Z', ...extra,
});

describe.each(backends())('audit store on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => db.close());

  it('chains events per task and per tenant stream', async () => {
    const [a, b, c] = await appendAuditEvents(db.pool, [event('acme', 'task-a'), event('acme', undefined, 'AGENT_REGISTERED'), event('acme', 'task-a')]);
    expect(a).toMatchObject({ chainId: 'task-a', chainSeq: 1, prevHash: GENESIS_HASH });
    expect(b).toMatchObject({ chainId: 'tenant:acme', chainSeq: 1 });
    expect(c).toMatchObject({ chainId: 'task-a', chainSeq: 2, prevHash: a!.hash });
    expect(await verifyStoredChain(db.pool, 'task-a')).toEqual({ chainId: 'task-a', length: 2, head: c!.hash, ok: true, break: null });
  });

  it('refuses UPDATE, DELETE and TRUNCATE on audit_events', async () => {
    await appendAuditEvents(db.pool, [event('acme', 'task-ro')]);
    for (const sql of [
      "UPDATE audit_events SET event = '{}'::jsonb WHERE chain_id = 'task-ro'",
      "DELETE FROM audit_events WHERE chain_id = 'task-ro'",
      'TRUNCATE audit_events',
    ]) {
      await expect(db.pool.query(sql)).rejects.toThrow(/append-only/);
    }
    expect(await readChain(db.pool, 'task-ro')).toHaveLength(1);
  });

  it('never forks a chain under 50 concurrent appenders', async () => {
    const chain = `task-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => appendAuditEvents(db.pool, [event('acme', chain, 'STEP_EXECUTED', { i })])));
    const seqs = results.map((r) => r[0]!.chainSeq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await verifyStoredChain(db.pool, chain)).toMatchObject({ length: 50, ok: true });
  });

  it('treats a re-appended event as a no-op, keeping the first record', async () => {
    const chain = `task-${randomUUID()}`;
    const e = event('acme', chain, 'TASK_SUBMITTED', { goal: 'x', dropped: undefined });
    const [first] = await appendAuditEvents(db.pool, [e]);
    expect(first!.event).toEqual({ eventId: e.eventId, tenant: 'acme', taskId: chain, type: 'TASK_SUBMITTED', at: e.at, goal: 'x' });
    const again = await Promise.all([appendAuditEvents(db.pool, [e]), appendAuditEvents(db.pool, [e, e])]);
    expect(again.flat()).toEqual([first, first, first]);
    // A retry that rebuilt the event with a later clock reading is still the same event.
    expect(await appendAuditEvents(db.pool, [{ ...e, at: '2026-11-25T12:00:09.000Z' }])).toEqual([first]);
    await expect(appendAuditEvents(db.pool, [{ ...e, tenant: 'evil', taskId: undefined }])).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await readChain(db.pool, chain)).toEqual([first]);
  });

  it('stores events made by buildAuditEvent and verifies them', async () => {
    const chain = `task-${randomUUID()}`;
    const built = [1, 2].map((n) => buildAuditEvent({ tenant: 'acme', taskId: chain, type: 'step.assessed', actor: { kind: 'system', id: 'test' }, at: '2026-11-25T12:00:00.000Z', data: { n, password: 'hunter2' } }));
    const stored = await appendAuditEvents(db.pool, built);
    expect(stored.map((s) => s.event)).toEqual(JSON.parse(JSON.stringify(built)));
    expect(await verifyStoredChain(db.pool, chain)).toMatchObject({ ok: true, length: 2 });
  });

  it('rejects events missing what the store needs, naming the field', async () => {
    await expect(appendAuditEvents(db.pool, [{ eventId: 'x', tenant: 'acme', at: 'now' } as never])).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: '[0].type' }] });
  });

  it('joins the caller\'s transaction when given a client, so a rollback discards the append', async () => {
    const chain = `task-${randomUUID()}`;
    await expect(
      withTransaction(db.pool, async (client) => {
        await appendAuditEvents(client, [event('acme', chain)]);
        throw new Error('activity failed');
      }),
    ).rejects.toThrow('activity failed');
    expect(await readChain(db.pool, chain)).toEqual([]);
    const client = await db.pool.connect();
    try {
      // Outside a transaction a client cannot give atomicity, and the store says so instead of half-writing.
      await expect(appendAuditEvents(client, [event('acme', chain)])).rejects.toThrow(/transaction/i);
    } finally {
      client.release();
    }
  });

  it('appends from the real head when the head it remembered is stale: rolled back, or moved by another writer', async () => {
    const chain = `task-${randomUUID()}`;
    const [first] = await appendAuditEvents(db.pool, [event('acme', chain)]);
    // this process now remembers head 1; an append rolled back leaves it remembering head 2
    await expect(withTransaction(db.pool, async (client) => {
      await appendAuditEvents(client, [event('acme', chain)]);
      throw new Error('activity failed');
    })).rejects.toThrow('activity failed');
    const [second] = await appendAuditEvents(db.pool, [event('acme', chain)]);
    expect(second).toMatchObject({ chainSeq: 2, prevHash: first!.hash });
    // another writer (another process: it hashes against the head it read) appends event 3 behind this one's back
    const other = event('acme', chain);
    const hash = chainHash(second!.hash, 3, other);
    await db.pool.query('INSERT INTO audit_events (event_id, tenant, chain_id, chain_seq, prev_hash, hash, event_type, task_id, event) VALUES ($1, $2, $3, 3, $4, $5, $6, $3, $7::jsonb)', [other.eventId, 'acme', chain, second!.hash, hash, other.type, JSON.stringify(other)]);
    const [fourth, fifth] = await appendAuditEvents(db.pool, [event('acme', chain), event('acme', chain)]);
    expect([fourth!.chainSeq, fifth!.chainSeq]).toEqual([4, 5]);
    expect(fourth!.prevHash).toBe(hash);
    expect(await verifyStoredChain(db.pool, chain)).toMatchObject({ ok: true, length: 5 });
  });

  it('costs one statement per event once the chain\'s head is known', async () => {
    const chain = `task-${randomUUID()}`;
    await appendAuditEvents(db.pool, [event('acme', chain)]);
    const seen: string[] = [];
    const client = await db.pool.connect();
    const query = client.query.bind(client) as (...a: unknown[]) => Promise<unknown>;
    (client as unknown as { query: (...a: unknown[]) => Promise<unknown> }).query = (...a: unknown[]) => {
      const text = typeof a[0] === 'string' ? a[0] : (a[0] as { text?: string }).text ?? '';
      seen.push(text.replace(/\s+/g, ' ').slice(0, 40));
      return query(...a);
    };
    try {
      await client.query('BEGIN');
      await appendAuditEvents(client, [event('acme', chain), event('acme', chain)]);
      await client.query('COMMIT');
    } finally {
      delete (client as unknown as { query?: unknown }).query; // back to the prototype's, before the pool hands it out again
      client.release();
    }
    expect(seen.filter((t) => t.includes('audit_'))).toEqual([expect.stringContaining('audit_append_after'), expect.stringContaining('audit_append_after')]);
    expect(await verifyStoredChain(db.pool, chain)).toMatchObject({ ok: true, length: 3 });
    // one event on a pool: the statement alone, no transaction around it
    const onPool: string[] = [];
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
      const text = typeof a[0] === 'string' ? a[0] : (a[0] as { text?: string } | undefined)?.text ?? '';
      onPool.push(text.replace(/\s+/g, ' ').slice(0, 40));
      return (original as (...x: unknown[]) => unknown).apply(this, a);
    } as typeof original;
    try {
      await appendAuditEvents(db.pool, [event('acme', chain)]);
    } finally {
      pg.Client.prototype.query = original;
    }
    expect(onPool).toEqual([expect.stringContaining('audit_append_after')]);
    expect(await verifyStoredChain(db.pool, chain)).toMatchObject({ ok: true, length: 4 });
  });

  it('detects an event edited behind the trigger\'s back', async () => {
    const chain = `task-${randomUUID()}`;
    await appendAuditEvents(db.pool, [event('acme', chain), event('acme', chain), event('acme', chain)]);
    await withTransaction(db.pool, async (c) => {
      await c.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete');
      await c.query(`UPDATE audit_events SET event = jsonb_set(event, '{type}', '"FORGED"') WHERE chain_id = $1::text AND chain_seq = 2`, [chain]);
      await c.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete');
    });
    expect(await verifyStoredChain(db.pool, chain)).toMatchObject({ ok: false, break: { code: 'HASH_MISMATCH', index: 1 } });
  });

  it('lists a tenant\'s events page by page, filtered, never another tenant\'s', async () => {
    const tenant = `t-${randomUUID().slice(0, 8)}`;
    await appendAuditEvents(db.pool, Array.from({ length: 5 }, (_, i) => event(tenant, 'task-list', i % 2 ? 'A' : 'B')));
    await appendAuditEvents(db.pool, [event('other', 'task-list')]);
    const p1 = await listAuditEvents(db.pool, { tenant }, { first: 2 });
    const p2 = await listAuditEvents(db.pool, { tenant }, { first: 2, after: p1.endCursor! });
    const p3 = await listAuditEvents(db.pool, { tenant }, { first: 2, after: p2.endCursor! });
    expect([p1.hasNextPage, p2.hasNextPage, p3.hasNextPage]).toEqual([true, true, false]);
    expect([...p1.events, ...p2.events, ...p3.events].map((e) => e.chainSeq)).toEqual([1, 2, 3, 4, 5]);
    expect((await listAuditEvents(db.pool, { tenant, type: 'A' })).events).toHaveLength(2);
    await expect(listAuditEvents(db.pool, { tenant }, { after: '1; DROP TABLE x' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'after' }] });
  });
});
