import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../db/migrate.js';
import { createPool } from '../../db/pool.js';
import { backends, openTestDatabase, type TestDatabase } from './helpers.js';

describe.each(backends())('migrations on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind, { migrate: false });
  });
  afterAll(async () => db.close());

  it('applies every migration once and is a no-op the second time', async () => {
    const files = await loadMigrations();
    const first = await migrate(db.pool);
    expect(first.applied).toEqual(files.map((f) => f.version));
    const second = await migrate(db.pool);
    expect(second).toEqual({ applied: [], current: files.at(-1)!.version });
    const rows = await db.pool.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.rows.map((r) => r.version)).toEqual(files.map((f) => f.version));
  });

  it('refuses a migration whose file changed after it was applied', async () => {
    await db.pool.query("UPDATE schema_migrations SET checksum = 'x' WHERE version = 1");
    await expect(migrate(db.pool)).rejects.toMatchObject({ code: 'CONFLICT' });
    const files = await loadMigrations();
    await db.pool.query('UPDATE schema_migrations SET checksum = $1::text WHERE version = 1', [files[0]!.checksum]);
  });
});

describe.runIf(backends().includes('postgres'))('concurrent migration on postgres', () => {
  it('lets two processes start at once and applies each migration exactly once', async () => {
    const db = await openTestDatabase('postgres', { migrate: false });
    // why: separate pools stand in for separate processes; each has its own connections.
    const pools = Array.from({ length: 4 }, () => createPool(db.url, { max: 2 }));
    try {
      const results = await Promise.all(pools.map((p) => migrate(p)));
      const files = await loadMigrations();
      const appliedCounts = results.map((r) => r.applied.length).sort();
      expect(appliedCounts).toEqual([0, 0, 0, files.length]);
      const rows = await db.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows.rows[0].n).toBe(files.length);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await db.close();
    }
  });
});

describe('migration files', () => {
  it('rejects a directory holding a badly named file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mig-'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, '1_init.sql'), 'SELECT 1');
    await expect(loadMigrations(dir)).rejects.toMatchObject({ code: 'INTERNAL' });
    await rm(dir, { recursive: true, force: true });
  });
});
