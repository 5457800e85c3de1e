/**
 * The run_sql sandbox thread's own behaviour (its query contract is in test/db/demo.test.ts, shared
 * with the database's sandbox function): what a query sees while the thread starts, is busy or closes.
 * Real PGlite in a real worker thread.
 */
import { describe, expect, it } from 'vitest';
import { isInterceptorError } from '../lib/errors.js';
import { createSqlSandbox, type SqlSandbox, type SqlSandboxOptions } from './sql-sandbox.js';

/** A failure the tool activity retries: a plain Error, not a verdict on the query. */
const retryable = (e: unknown): boolean => e instanceof Error && !isInterceptorError(e);

/** Run `use` with a sandbox of its own, closed afterwards whatever happens. */
async function withSandbox(opts: SqlSandboxOptions, use: (sandbox: SqlSandbox) => Promise<void>): Promise<void> {
  const sandbox = createSqlSandbox(opts);
  try {
    await use(sandbox);
  } finally {
    await sandbox.close();
  }
}

describe('run_sql sandbox thread', () => {
  it('fails a query that waited too long for the sandbox to start with a retryable error, and answers once it has started', async () => {
    await withSandbox({ maxWaitMs: 100 }, async (sandbox) => {
      const first = await sandbox.query({ sql: 'SELECT 1 AS one' }).then(() => null, (e: unknown) => e);
      expect(retryable(first)).toBe(true);
      expect((first as Error).message).toMatch(/still starting.*retried/);
      // the start went on without the query that gave up: a later query finds the sandbox ready
      const deadline = Date.now() + 90_000;
      let answer: unknown = null;
      while (!answer && Date.now() < deadline) {
        answer = await sandbox.query({ sql: 'SELECT 1 AS one' }).catch(() => null);
        if (!answer) await new Promise((r) => setTimeout(r, 250));
      }
      expect(answer).toEqual({ rows: [{ one: 1 }], truncated: false });
    });
  }, 120_000);

  it('fails the query running when it closes, and every later one, with a retryable error', async () => {
    await withSandbox({}, async (sandbox) => {
      expect((await sandbox.query({ sql: 'SELECT 2 AS two' })).rows).toEqual([{ two: 2 }]);
      const running = sandbox.query({ sql: 'SELECT pg_sleep(20) AS slept', timeoutMs: 25_000 }).then(() => null, (e: unknown) => e);
      await new Promise((r) => setTimeout(r, 300));
      const closing = sandbox.close();
      const err = await running;
      await closing;
      expect(retryable(err)).toBe(true);
      expect((err as Error).message).toMatch(/closed/);
      const later = await sandbox.query({ sql: 'SELECT 3' }).then(() => null, (e: unknown) => e);
      expect(retryable(later)).toBe(true);
    });
  }, 120_000);

  it('replaces its thread after a result too large to keep, and answers the next query', async () => {
    await withSandbox({}, async (sandbox) => {
      await expect(sandbox.query({ sql: "SELECT repeat('x', 20000) AS s FROM generate_series(1, 100)" })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      expect((await sandbox.query({ sql: 'SELECT count(*)::int AS n FROM orders' })).rows).toEqual([{ n: 5 }]);
    });
  }, 120_000);
});
