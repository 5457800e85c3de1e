import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReadOnlyQuery, type ReadOnlyQueryRunner } from '../../db/queries/demo.js';
import { createSqlSandbox, type SqlSandbox } from '../../tools/sql-sandbox.js';
import { backends, openTestDatabase, type TestDatabase } from './helpers.js';

/**
 * The run_sql sandbox's contract, wherever it runs: the database's own sandbox function (PGlite and
 * Postgres), and the sandbox thread the embedded stack uses (its own in-memory PGlite, so another
 * schema's tables are not even there: reading them is refused as a mistake rather than a privilege).
 */
type Where = 'pglite' | 'postgres' | 'thread';
const places: Where[] = [...backends(), 'thread'];

describe.each(places)('run_sql sandbox on %s', (where) => {
  let db: TestDatabase | undefined;
  let sandbox: SqlSandbox | undefined;
  let run: ReadOnlyQueryRunner;
  beforeAll(async () => {
    if (where === 'thread') {
      sandbox = createSqlSandbox();
      run = sandbox.query;
    } else {
      const opened = await openTestDatabase(where);
      db = opened;
      run = (q) => runReadOnlyQuery(opened.pool, q);
    }
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await sandbox?.close();
  });
  const counts = async () => (await run({ sql: 'SELECT (SELECT count(*) FROM demo.customers)::int AS c, (SELECT count(*) FROM demo.orders)::int AS o' })).rows[0];

  it('answers a SELECT over the demo schema', async () => {
    const r = await run({ sql: "SELECT name, tier FROM customers WHERE country = 'US' ORDER BY id;" });
    expect(r).toEqual({ rows: [{ name: 'Grace Hopper', tier: 'pro' }, { name: 'Katherine Johnson', tier: 'pro' }, { name: 'Radia Perlman', tier: 'enterprise' }], truncated: false });
    expect(await run({ sql: 'SELECT id FROM orders ORDER BY id', maxRows: 2 })).toEqual({ rows: [{ id: 101 }, { id: 102 }], truncated: true });
  }, 60_000);

  it.each([
    ['another schema', 'SELECT * FROM public.api_keys'],
    ['the audit log', 'SELECT * FROM public.audit_events'],
    ['the catalogue of roles', 'SELECT * FROM pg_authid'],
    ['a role reset', "SELECT set_config('role', 'none', true) AS r"],
    ['a session authorization change', "SELECT set_config('session_authorization', 'postgres', true) AS r"],
    ['a role escape through a nested query', "SELECT set_config('role', 'none', true), query_to_xml('SELECT * FROM public.api_keys', true, false, '')"],
  ])('refuses %s', async (what, sql) => {
    const error = await run({ sql }).catch((e: unknown) => e);
    const absentHere = where === 'thread' && what.includes('schema') || where === 'thread' && what.includes('audit');
    expect((error as { code?: string }).code).toBe(absentHere ? 'BAD_USER_INPUT' : 'FORBIDDEN');
  });

  it.each([
    ['a smuggled INSERT', "SELECT 1) r; INSERT INTO demo.customers VALUES (9, 'x', 'x', 'x', 'x'); SELECT 1 FROM (SELECT 1"],
    ['a data-modifying CTE', "WITH d AS (DELETE FROM demo.orders RETURNING id) SELECT * FROM d"],
    ['a locking read', 'SELECT * FROM customers FOR UPDATE'],
  ])('refuses %s and leaves the data unchanged', async (_what, sql) => {
    const error = await run({ sql }).catch((e: unknown) => e);
    expect(['FORBIDDEN', 'BAD_USER_INPUT']).toContain((error as { code?: string }).code);
    expect(await counts()).toEqual({ c: 5, o: 5 });
  });

  it('reports mistakes in the query as bad input, and bad input before running anything', async () => {
    await expect(run({ sql: 'SELEC 1' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'sql' }] });
    await expect(run({ sql: 'SELECT nope FROM customers' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(run({ sql: '' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'sql' }] });
    await expect(run({ sql: 'SELECT 1', timeoutMs: 0 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'timeoutMs' }] });
  });

  it('reports a value too large to represent as the query\'s own mistake, not a failure to retry', async () => {
    await expect(run({ sql: "SELECT repeat('x', 300000000) AS s", timeoutMs: 30_000 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  }, 60_000);

  it.runIf(where === 'thread')('refuses a result too large for a step to keep', async () => {
    await expect(run({ sql: "SELECT repeat('x', 20000) AS s FROM generate_series(1, 100)" })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('at most 1048576') });
    expect((await run({ sql: "SELECT repeat('x', 1000) AS s FROM generate_series(1, 100)" })).rows).toHaveLength(100);
  });

  // PGlite in the application's own thread cannot stop a query (WASM has no timer signals): the
  // embedded stack therefore runs run_sql in the sandbox thread, which is ended at the limit.
  it.skipIf(where === 'pglite')('stops a slow query at its time limit and answers the next one', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    const started = performance.now();
    const slow = run({ sql: 'SELECT pg_sleep(30) AS slept', timeoutMs: 400 }).catch((e: unknown) => e);
    // asked while the slow one runs: it waits its turn, then runs on a fresh sandbox
    const next = run({ sql: 'SELECT count(*)::int AS n FROM customers' });
    expect(await slow).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('timeout') });
    const waited = performance.now() - started;
    clearInterval(ticker);
    expect(waited).toBeLessThan(10_000);
    // the process went on meanwhile: a timer every 20 ms fired through the slow query
    expect(ticks).toBeGreaterThan(400 / 20 / 2);
    expect((await next).rows).toEqual([{ n: 5 }]);
  }, 120_000);
});
