/**
 * @module Test databases. Every storage test runs on PGlite, and also on a real Postgres when
 * `DATABASE_URL` is set (CI sets it): `describe.each(backends())`. Each test database is fresh:
 * a new `CREATE DATABASE t_<random>` on Postgres, a new in-memory PGlite otherwise.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openEmbeddedPool } from '../../db/embedded.js';
import { migrate } from '../../db/migrate.js';
import { createPool } from '../../db/pool.js';

export type BackendKind = 'pglite' | 'postgres';

export function backends(): BackendKind[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase {
  kind: BackendKind;
  url: string;
  pool: pg.Pool;
  /** Connections the pool may open: 1 on PGlite, 12 on Postgres. */
  maxConnections: number;
  close(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply the migrations (default true). */
  migrate?: boolean;
  /** Persist PGlite to this directory instead of memory. */
  dataDir?: string;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A client on the server of DATABASE_URL able to create databases (falls back to `postgres`). */
async function adminClient(): Promise<pg.Client> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  for (const candidate of [url, withDatabase(url, 'postgres')]) {
    const client = new pg.Client({ connectionString: candidate });
    try {
      await client.connect();
      return client;
    } catch (e) {
      await client.end().catch(() => undefined);
      if ((e as { code?: string }).code !== '3D000') throw e;
    }
  }
  throw new Error('no database to connect to on the DATABASE_URL server');
}

async function openPostgres(opts: TestDatabaseOptions): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = await adminClient();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = withDatabase(process.env.DATABASE_URL!, name);
  const pool = createPool(url, { max: 12 });
  const close = async () => {
    // why `ended`: a caller that only needed the database (the e2e stack) ends the pool early; the
    // database must still be dropped and the admin connection closed, or the process never exits.
    try {
      if (!pool.ended) await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
  return finish({ kind: 'postgres', url, pool, maxConnections: 12, close }, opts);
}

/** PGlite as the product runs it: in this thread, reached through an in-memory stream. */
async function openPglite(opts: TestDatabaseOptions): Promise<TestDatabase> {
  const embedded = await openEmbeddedPool(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir });
  return finish({ kind: 'pglite', ...embedded, maxConnections: 1 }, opts);
}

async function finish(db: TestDatabase, opts: TestDatabaseOptions): Promise<TestDatabase> {
  if (opts.migrate === false) return db;
  try {
    await migrate(db.pool);
    return db;
  } catch (e) {
    await db.close();
    throw e;
  }
}

/** Open a fresh test database; the caller must `close()` it (use in beforeAll/afterAll). */
export function openTestDatabase(kind: BackendKind, opts: TestDatabaseOptions = {}): Promise<TestDatabase> {
  return kind === 'postgres' ? openPostgres(opts) : openPglite(opts);
}

/** Run `fn` against a fresh database and drop it afterwards. */
export async function withTestDatabase<T>(kind: BackendKind, fn: (db: TestDatabase) => Promise<T>, opts: TestDatabaseOptions = {}): Promise<T> {
  const db = await openTestDatabase(kind, opts);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
