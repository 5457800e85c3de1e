import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database.js';
import { INLINE_URL, startEmbeddedPostgres, startInlinePostgres } from '../../db/embedded.js';
import { createPool } from '../../db/pool.js';
import { atomically, withTransaction } from '../../db/pool.js';
import { listTenants, upsertTenant } from '../../db/queries/tenants.js';
import { backends, openTestDatabase, type TestDatabase } from './helpers.js';

describe('embedded PGlite through openDatabase', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'interceptor-db-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('persists data across a close and reopen of the data directory, in process by default and over TCP with PGLITE_PORT', async () => {
    const first = await openDatabase({ INTERCEPTOR_DATA_DIR: dir });
    expect(first.kind).toBe('pglite');
    expect(first.url).toBe(INLINE_URL);
    await upsertTenant(first.pool, { id: 'acme', name: 'Acme' });
    // the data directory is taken while the in-process database is open
    await expect(openDatabase({ INTERCEPTOR_DATA_DIR: dir })).rejects.toMatchObject({ code: 'CONFLICT' });
    await first.close();
    const second = await openDatabase({ INTERCEPTOR_DATA_DIR: dir, PGLITE_PORT: 0 });
    try {
      expect(second.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      expect(await listTenants(second.pool)).toMatchObject([{ id: 'acme', name: 'Acme' }]);
      const applied = await second.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
      expect(applied.rows[0].n).toBeGreaterThanOrEqual(4);
      await upsertTenant(second.pool, { id: 'umbrella', name: 'Umbrella' });
    } finally {
      await second.close();
    }
    const third = await openDatabase({ INTERCEPTOR_DATA_DIR: dir });
    try {
      expect((await listTenants(third.pool)).map((t) => t.id).sort()).toEqual(['acme', 'umbrella']);
    } finally {
      await third.close();
    }
  });

  it('refuses a second server on a data directory that is in use', async () => {
    // why: reuses the directory the previous test initialised; a fresh one costs an initdb.
    const locked = join(dir, 'pglite');
    const running = await startEmbeddedPostgres({ dataDir: locked });
    try {
      await expect(startEmbeddedPostgres({ dataDir: locked })).rejects.toMatchObject({ code: 'CONFLICT' });
    } finally {
      await running.close();
    }
    const again = await startEmbeddedPostgres({ dataDir: locked });
    await again.close();
  });

  it('names the bad setting when the configuration is invalid', async () => {
    await expect(openDatabase({ DATABASE_URL: 'not a url', INTERCEPTOR_DATA_DIR: dir })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'DATABASE_URL' }] });
  });
});

describe('the in-process PGlite transport', () => {
  it('answers large results, rolls back a transaction its connection abandoned, and serialises several connections', async () => {
    const db = await startInlinePostgres();
    const pool = createPool(INLINE_URL, { max: 1, stream: db.stream, prepareStatements: true });
    const other = createPool(INLINE_URL, { max: 1, stream: db.stream });
    try {
      // a result far larger than one chunk of the stream
      const big = await pool.query('SELECT repeat($1::text, 300000) AS s, generate_series(1, 20) AS n', ['ab']);
      expect(big.rows).toHaveLength(20);
      expect(big.rows[19].s).toHaveLength(600_000);
      await pool.query('CREATE TABLE t_inline (id integer PRIMARY KEY)');
      // a connection that dies inside a transaction must not leave it open for the next one
      const client = await pool.connect();
      await client.query('BEGIN');
      await client.query('INSERT INTO t_inline VALUES (1)');
      client.release(new Error('dropped mid-transaction'));
      expect((await pool.query('SELECT count(*)::int AS n FROM t_inline')).rows[0].n).toBe(0);
      // two pools on one database: their statements never interleave inside a message exchange
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? pool : other).query('INSERT INTO t_inline VALUES ($1::integer)', [i + 10])));
      expect((await other.query('SELECT count(*)::int AS n FROM t_inline')).rows[0].n).toBe(20);
      await expect(pool.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: '42P01' });
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
      await other.end();
      await db.close();
    }
  });
});

describe.each(backends())('pool and transactions on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await db.pool.query('CREATE TABLE IF NOT EXISTS t_probe (id integer PRIMARY KEY, note text)');
  });
  afterAll(async () => db.close());

  it('keeps serving after SQL errors (pool.query discards the failed connection)', async () => {
    for (let i = 0; i < 5; i++) {
      await expect(db.pool.query('SELECT 1 / $1::integer', [0])).rejects.toMatchObject({ code: '22012' });
      await expect(db.pool.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
      expect((await db.pool.query('SELECT $1::integer + 1 AS n', [i])).rows[0].n).toBe(i + 1);
    }
  });

  it.runIf(kind === 'pglite')('prepares parameterised statements once per session, and again after a reconnect', async () => {
    const prepared = async () => (await db.pool.query("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'ic\\_%'")).rows[0].n as number;
    await db.pool.query('SELECT note FROM t_probe WHERE id = $1::integer', [1]);
    await db.pool.query('SELECT note FROM t_probe WHERE id = $1::integer', [2]);
    const before = await prepared();
    expect(before).toBeGreaterThan(0);
    await expect(db.pool.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    // the session outlives the dropped connection; the new one starts clean and prepares again
    expect((await db.pool.query('SELECT $1::integer * 2 AS n', [21])).rows[0].n).toBe(42);
    expect(await prepared()).toBeLessThanOrEqual(before);
  });

  it('commits on success and rolls back on failure', async () => {
    await withTransaction(db.pool, async (c) => c.query("INSERT INTO t_probe VALUES (1, 'kept')"));
    await expect(withTransaction(db.pool, async (c) => {
      await c.query("INSERT INTO t_probe VALUES (2, 'discarded')");
      await c.query("INSERT INTO t_probe VALUES (1, 'duplicate')");
    })).rejects.toMatchObject({ code: '23505' });
    expect((await db.pool.query('SELECT id FROM t_probe ORDER BY id')).rows).toEqual([{ id: 1 }]);
  });

  it('retries a serialization failure and gives up after the last attempt', async () => {
    let calls = 0;
    const result = await withTransaction(db.pool, async (c) => {
      calls++;
      await c.query('SELECT 1');
      if (calls < 3) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
      return 'done';
    });
    expect([result, calls]).toEqual(['done', 3]);
    calls = 0;
    await expect(withTransaction(db.pool, async () => {
      calls++;
      throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
    }, { attempts: 2 })).rejects.toMatchObject({ code: '40P01' });
    expect(calls).toBe(2);
  });

  it('refuses pool use inside the pool\'s own transaction on PGlite instead of hanging', async () => {
    const attempt = withTransaction(db.pool, async () => db.pool.query('SELECT 1'));
    if (kind === 'pglite') await expect(attempt).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('transaction client') });
    else await expect(attempt).resolves.toBeDefined();
    expect((await db.pool.query('SELECT 2 AS n')).rows).toEqual([{ n: 2 }]);
  });

  it('nests atomically() as a savepoint inside the caller\'s transaction', async () => {
    await withTransaction(db.pool, async (c) => {
      await c.query("INSERT INTO t_probe VALUES (10, 'outer')");
      await expect(atomically(c, async (inner) => {
        await inner.query("INSERT INTO t_probe VALUES (11, 'inner')");
        throw new Error('inner failed');
      })).rejects.toThrow('inner failed');
    });
    expect((await db.pool.query('SELECT id FROM t_probe WHERE id >= 10')).rows).toEqual([{ id: 10 }]);
  });
});
