/**
 * @module Open the application's database: the Postgres at `DATABASE_URL`, or the embedded PGlite
 * in `INTERCEPTOR_DATA_DIR` when no URL is set. Either way the result is a migrated `pg` pool.
 */
import { join } from 'node:path';
import type pg from 'pg';
import { z } from 'zod';
import { parseOrFail } from '../lib/validation.js';
import { openEmbeddedPool } from './embedded.js';
import { migrate } from './migrate.js';
import { createPool } from './pool.js';

export interface Database {
  pool: pg.Pool;
  url: string;
  kind: 'postgres' | 'pglite';
  /** Largest useful number of concurrent transactions (1 for PGlite). */
  maxConnections: number;
  close(): Promise<void>;
}

const DatabaseConfigSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  INTERCEPTOR_DATA_DIR: z.string().min(1),
  PGLITE_PORT: z.number().int().min(0).max(65535).optional(),
  DATABASE_POOL_MAX: z.number().int().min(1).max(200).optional(),
});
export type DatabaseConfig = z.input<typeof DatabaseConfigSchema>;

/** Connect (or start the embedded server), apply pending migrations, and return the pool. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  const cfg = parseOrFail(DatabaseConfigSchema, config, 'database configuration');
  if (cfg.DATABASE_URL !== undefined) {
    const max = cfg.DATABASE_POOL_MAX ?? 10;
    const pool = createPool(cfg.DATABASE_URL, { max });
    return ready({ pool, url: cfg.DATABASE_URL, kind: 'postgres', maxConnections: max, close: () => pool.end() });
  }
  const embedded = await openEmbeddedPool({ dataDir: join(cfg.INTERCEPTOR_DATA_DIR, 'pglite'), ...(cfg.PGLITE_PORT === undefined ? {} : { port: cfg.PGLITE_PORT }) });
  return ready({ ...embedded, kind: 'pglite', maxConnections: 1 });
}

async function ready(db: Database): Promise<Database> {
  try {
    await migrate(db.pool);
    return db;
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
}
