import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReadOnlyQuery } from '../../db/queries/demo.js';
import { backends, openTestDatabase, type TestDatabase } from './helpers.js';

describe.each(backends())('run_sql sandbox on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => db.close());

  it('answers a SELECT over the demo schema', async () => {
    const r = await runReadOnlyQuery(db.pool, { sql: "SELECT name, tier FROM customers WHERE country = 'US' ORDER BY id;" });
    expect(r).toEqual({ rows: [{ name: 'Grace Hopper', tier: 'pro' }, { name: 'Katherine Johnson', tier: 'pro' }, { name: 'Radia Perlman', tier: 'enterprise' }], truncated: false });
    expect(await runReadOnlyQuery(db.pool, { sql: 'SELECT id FROM orders ORDER BY id', maxRows: 2 })).toEqual({ rows: [{ id: 101 }, { id: 102 }], truncated: true });
  });

  it.each([
    ['another schema', 'SELECT * FROM public.api_keys'],
    ['the audit log', 'SELECT * FROM public.audit_events'],
    ['a role reset', "SELECT set_config('role', 'none', true) AS r"],
    ['a session authorization change', "SELECT set_config('session_authorization', 'postgres', true) AS r"],
    ['a role escape through a nested query', "SELECT set_config('role', 'none', true), query_to_xml('SELECT * FROM public.api_keys', true, false, '')"],
  ])('refuses %s', async (_what, sql) => {
    await expect(runReadOnlyQuery(db.pool, { sql })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it.each([
    ['a smuggled INSERT', "SELECT 1) r; INSERT INTO demo.customers VALUES (9, 'x', 'x', 'x', 'x'); SELECT 1 FROM (SELECT 1"],
    ['a data-modifying CTE', "WITH d AS (DELETE FROM demo.orders RETURNING id) SELECT * FROM d"],
    ['a locking read', 'SELECT * FROM customers FOR UPDATE'],
  ])('refuses %s and leaves the data unchanged', async (_what, sql) => {
    const error = await runReadOnlyQuery(db.pool, { sql }).catch((e: unknown) => e);
    expect(['FORBIDDEN', 'BAD_USER_INPUT']).toContain((error as { code?: string }).code);
    const counts = await db.pool.query('SELECT (SELECT count(*) FROM demo.customers)::int AS c, (SELECT count(*) FROM demo.orders)::int AS o');
    expect(counts.rows[0]).toEqual({ c: 5, o: 5 });
  });

  it('reports mistakes in the query as bad input and stops slow queries', async () => {
    await expect(runReadOnlyQuery(db.pool, { sql: 'SELEC 1' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'sql' }] });
    await expect(runReadOnlyQuery(db.pool, { sql: 'SELECT nope FROM customers' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    // PGlite (WASM, no timer signals) does not enforce statement_timeout; real Postgres does.
    if (kind === 'postgres') {
      await expect(runReadOnlyQuery(db.pool, { sql: 'SELECT pg_sleep(5)', timeoutMs: 200 })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('timeout') });
    }
    expect((await runReadOnlyQuery(db.pool, { sql: 'SELECT count(*)::int AS n FROM customers' })).rows).toEqual([{ n: 5 }]);
  });
});
