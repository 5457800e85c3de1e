/**
 * @module The sandbox behind the read-only `run_sql` demo tool. Agent-written SQL runs as one SELECT
 * inside `demo.readonly_query` (see migration 000004): a security-definer function owned by a role
 * that may read only the `demo` schema, where changing role is refused, inside a READ ONLY
 * transaction with a statement timeout.
 */
import type pg from 'pg';
import { z } from 'zod';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';
import { withTransaction } from '../pool.js';

export const ReadOnlyQuerySchema = z.object({
  sql: z.string().min(1).max(10_000),
  maxRows: z.number().int().min(1).max(1000).default(100),
  timeoutMs: z.number().int().min(10).max(30_000).default(2000),
});

export type ReadOnlyQuery = z.input<typeof ReadOnlyQuerySchema>;

export interface ReadOnlyResult {
  rows: Record<string, unknown>[];
  /** True when the query had more rows than `maxRows`. */
  truncated: boolean;
}

/** Where `run_sql` runs a query: the application's database (`runReadOnlyQuery`) or the embedded sandbox thread (tools/sql-sandbox.ts). */
export type ReadOnlyQueryRunner = (input: ReadOnlyQuery) => Promise<ReadOnlyResult>;

/** SQLSTATEs that mean "the agent's query was refused or wrong", as opposed to the database failing. */
const REFUSALS: Record<string, string> = { '42501': 'permission denied', '25006': 'read-only transaction', '57014': 'statement timeout' };

/**
 * Run one agent-written SELECT over the demo data. Refusals (privileges, writes, timeout) and SQL
 * errors become FORBIDDEN / BAD_USER_INPUT with Postgres's message; the sandbox missing is FORBIDDEN.
 */
export async function runReadOnlyQuery(pool: pg.Pool, input: ReadOnlyQuery): Promise<ReadOnlyResult> {
  const q = parseOrFail(ReadOnlyQuerySchema, input, 'query');
  const sql = sqlForSubquery(q.sql);
  try {
    return await withTransaction(pool, async (client) => {
      // set_config(..., true) is SET LOCAL: it ends with this transaction.
      await client.query("SELECT set_config('statement_timeout', $1::text, true)", [String(q.timeoutMs)]);
      const r = await client.query<{ row: Record<string, unknown> }>('SELECT demo.readonly_query($1::text, $2::integer) AS row', [sql, q.maxRows + 1]);
      return { rows: r.rows.slice(0, q.maxRows).map((x) => x.row), truncated: r.rows.length > q.maxRows };
    }, { readOnly: true, attempts: 1 });
  } catch (e) {
    throw readOnlyQueryError(e);
  }
}

/** The agent's SQL as the subquery `demo.readonly_query` wraps it in. why: a trailing semicolon is natural to write but would end that subquery. */
export function sqlForSubquery(sql: string): string {
  return sql.trim().replace(/;+\s*$/, '');
}

/** A Postgres error from an agent's query as FORBIDDEN (refused) or BAD_USER_INPUT (its own mistake); anything else unchanged. */
export function readOnlyQueryError(e: unknown): unknown {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (typeof err?.code !== 'string' || typeof err.message !== 'string') return e;
  const code = err.code;
  if (code === '42883' && err.message.includes('readonly_query')) return new InterceptorError('FORBIDDEN', 'the run_sql sandbox is not installed on this database');
  if (REFUSALS[code]) return new InterceptorError('FORBIDDEN', `query refused: ${REFUSALS[code]}: ${err.message}`);
  // Classes 42 (syntax, undefined column...), 22 (data exceptions), 0A (unsupported, e.g. a
  // data-modifying CTE below the top level) and 54 (a value too large), and 53200 (out of memory),
  // are the query's own doing: retrying it would fail the same way. The rest of class 53 (too many
  // connections, disk full) is the database's state: thrown on, and retried.
  if (['42', '22', '0A', '54', '53200'].some((c) => code.startsWith(c))) return new InterceptorError('BAD_USER_INPUT', `query failed: ${err.message}`, { issues: [{ path: 'sql', message: err.message }] });
  return e;
}
