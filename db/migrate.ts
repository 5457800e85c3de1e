/**
 * @module Forward-only SQL migrations. Files `db/migrations/NNNNNN_<name>.sql` are applied in order,
 * each recorded in `schema_migrations` with a checksum. All pending files run in one transaction that
 * holds an advisory lock, so two processes starting together apply each migration exactly once.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { sha256Hex } from '../lib/canonical-json.js';
import { InterceptorError } from '../lib/errors.js';
import { withTransaction } from './pool.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** An arbitrary constant shared by every Interceptor process: the key of the migration lock. */
const MIGRATION_LOCK_KEY = '7428391001';

const FILE_NAME = /^(\d{6})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  /** Versions applied by this call (empty when the database was already current). */
  applied: number[];
  /** Highest version now recorded. */
  current: number;
}

/** Read and order the migration files; a malformed name or a duplicate version is a programming error. */
export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const out: Migration[] = [];
  for (const file of files) {
    const m = FILE_NAME.exec(file);
    if (!m) throw new InterceptorError('INTERNAL', `migration file \`${file}\` must be named \`NNNNNN_name.sql\``);
    const sql = await readFile(`${dir}/${file}`, 'utf8');
    const version = Number(m[1]);
    if (out.some((x) => x.version === version)) throw new InterceptorError('INTERNAL', `migration version \`${version}\` appears twice`);
    out.push({ version, name: m[2]!, sql, checksum: sha256Hex(sql) });
  }
  return out;
}

/** Apply every pending migration; safe to call from several processes at once. */
export async function migrate(pool: pg.Pool, dir: string = MIGRATIONS_DIR): Promise<MigrationResult> {
  const migrations = await loadMigrations(dir);
  return withTransaction(pool, async (client) => {
    // INVARIANT: everything below runs under the lock, including creating the bookkeeping table,
    // because concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog.
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = await appliedChecksums(client);
    const applied: number[] = [];
    for (const m of migrations) {
      const checksum = done.get(m.version);
      if (checksum !== undefined) {
        if (checksum !== m.checksum) throw new InterceptorError('CONFLICT', `migration \`${m.version}_${m.name}\` was edited after it was applied`);
        continue;
      }
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1::integer, $2::text, $3::text)', [m.version, m.name, m.checksum]);
      applied.push(m.version);
    }
    const current = Math.max(0, ...done.keys(), ...applied);
    return { applied, current };
  });
}

async function appliedChecksums(client: pg.PoolClient): Promise<Map<number, string>> {
  const r = await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations');
  return new Map(r.rows.map((row) => [row.version, row.checksum]));
}
