/**
 * @module Budget reservations: reserve before a tool runs, settle with the actual usage after,
 * release on failure or denial. Each is idempotent by `key` (a retried activity replays the first
 * result) and concurrency-safe: a counter only grows through a conditional UPDATE that re-checks
 * `used + reserved + amount <= limit` under the row lock, so no interleaving can overspend.
 * why the `numeric(24, 6)` casts: an amount is rounded to the column's scale the same way when it
 * is taken and when it is given back, so a counter never drifts below zero through rounding.
 */
import type pg from 'pg';
import { z } from 'zod';
import { BudgetAmountsSchema, reservationLines, settledAmount, type BudgetAmounts, type BudgetExceeded, type BudgetLimit, type ReservationLine } from '../../governance/budget/index.js';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';
import { atomically, inCallersTransaction, type Queryable } from '../pool.js';
import { jsonParam, num, readJson } from '../rows.js';
import { listBudgets } from './budget-limits.js';

export {
  deleteBudget,
  getBudgetsWithUsage,
  listBudgets,
  setBudget,
  SetBudgetInputSchema,
  type BudgetCounter,
  type BudgetWithUsage,
  type SetBudgetInput,
} from './budget-limits.js';

export type ReserveResult =
  | { ok: true; key: string; status: 'RESERVED'; lines: ReservationLine[] }
  | { ok: false; key: string; status: 'REFUSED'; exceeded: BudgetExceeded };
export type SettleResult =
  | { ok: true; key: string; status: 'SETTLED'; charged: { budgetId: string; metric: string; amount: number }[] }
  | { ok: false; key: string; code: 'NOT_FOUND' | 'REFUSED' | 'RELEASED' };
export type ReleaseResult =
  | { ok: true; key: string; status: 'RELEASED'; released: { budgetId: string; metric: string; amount: number }[] }
  | { ok: false; key: string; code: 'NOT_FOUND' | 'SETTLED' };

const key = z.string().min(1).max(512);
const id = z.string().min(1).max(256);
const ReserveInputSchema = z.object({ key, tenant: id, agentId: id, taskId: id, amounts: BudgetAmountsSchema, now: z.date() });
const SettleInputSchema = z.object({ key, actual: BudgetAmountsSchema });
const ReleaseInputSchema = z.object({ key });

const LineSchema = z.object({ budgetId: z.string(), windowKey: z.string(), subject: z.string(), metric: z.enum(['cost_usd', 'tool_calls', 'tokens', 'wall_time_ms']), amount: z.number(), limit: z.number() });
// Stored results are our own output; they are read back as opaque JSON but must be objects.
const StoredResultSchema = z.looseObject({ ok: z.boolean(), key: z.string() });

interface ReservationRow {
  tenant: string;
  status: 'RESERVED' | 'REFUSED' | 'SETTLED' | 'RELEASED';
  lines: unknown;
  reserve_result: unknown;
  settle_result: unknown;
  release_result: unknown;
}

/** Thrown inside the savepoint to undo the counters already taken when a later one refuses. */
class Refused {
  constructor(readonly exceeded: BudgetExceeded) {}
}

/** Reserve `amounts` against every applicable limit at once, or refuse naming the budget that would be exceeded. */
export async function reserve(db: Queryable, input: z.input<typeof ReserveInputSchema>): Promise<ReserveResult> {
  const req = parseOrFail(ReserveInputSchema, input, 'budget reservation');
  return inCallersTransaction(db, async (client) => {
    const created = await client.query(
      `INSERT INTO budget_reservations (key, tenant, agent_id, task_id, status, amounts)
       VALUES ($1::text, $2::text, $3::text, $4::text, 'RESERVED', $5::jsonb) ON CONFLICT (key) DO NOTHING`,
      [req.key, req.tenant, req.agentId, req.taskId, jsonParam(req.amounts)],
    );
    if (created.rowCount === 0) return (await storedResult(client, req.key, req.tenant, 'reserve_result')) as ReserveResult;
    const limits = await listBudgets(client, req.tenant);
    const lines = reservationLines(limits, req, req.amounts, req.now);
    const result = await holdAll(client, lines, limits, req.key);
    const status = result.ok ? 'RESERVED' : 'REFUSED';
    await client.query('UPDATE budget_reservations SET status = $2::text, lines = $3::jsonb, reserve_result = $4::jsonb, updated_at = now() WHERE key = $1::text', [
      req.key, status, jsonParam(lines), jsonParam(result),
    ]);
    return result;
  });
}

async function holdAll(client: pg.PoolClient, lines: ReservationLine[], limits: BudgetLimit[], key: string): Promise<ReserveResult> {
  // INVARIANT: a zero line holds nothing and can never refuse, so without a positive one there is nothing to undo.
  if (!lines.some((l) => l.amount !== 0)) return { ok: true, key, status: 'RESERVED', lines };
  try {
    await atomically(client, async () => {
      for (const line of lines) {
        const exceeded = await holdLine(client, line, limits);
        if (exceeded) throw new Refused(exceeded);
      }
    });
    return { ok: true, key, status: 'RESERVED', lines };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, key, status: 'REFUSED', exceeded: e.exceeded };
    throw e;
  }
}

/** Create the counter row if missing. why the EXISTS: a budget deleted while a reservation holds it must not make settle fail forever. */
async function ensureCounter(client: pg.PoolClient, line: ReservationLine): Promise<void> {
  await client.query(
    `INSERT INTO budget_usage (budget_id, window_key, subject)
     SELECT $1::text, $2::text, $3::text WHERE EXISTS (SELECT 1 FROM budgets WHERE id = $1::text) ON CONFLICT DO NOTHING`,
    [line.budgetId, line.windowKey, line.subject],
  );
}

/** Take `line.amount` on its counter if it fits; otherwise report the counter as it stands. */
async function holdLine(client: pg.PoolClient, line: ReservationLine, limits: BudgetLimit[]): Promise<BudgetExceeded | null> {
  if (line.amount === 0) return null; // INVARIANT: a zero line holds nothing and can never refuse
  await ensureCounter(client, line);
  const held = await client.query(
    `UPDATE budget_usage u SET reserved = u.reserved + $4::numeric(24, 6), updated_at = now()
       FROM budgets b
      WHERE b.id = u.budget_id AND u.budget_id = $1::text AND u.window_key = $2::text AND u.subject = $3::text
        AND u.used + u.reserved + $4::numeric(24, 6) <= b.limit_value`,
    [line.budgetId, line.windowKey, line.subject, String(line.amount)],
  );
  if (held.rowCount === 1) return null;
  const r = await client.query<{ used: string; reserved: string; limit_value: string }>(
    `SELECT u.used, u.reserved, b.limit_value FROM budget_usage u JOIN budgets b ON b.id = u.budget_id
      WHERE u.budget_id = $1::text AND u.window_key = $2::text AND u.subject = $3::text`,
    [line.budgetId, line.windowKey, line.subject],
  );
  const row = r.rows[0]!;
  const limit = limits.find((l) => l.id === line.budgetId)!;
  return {
    budgetId: line.budgetId, scope: limit.scope, scopeRef: limit.scopeRef, metric: line.metric, window: limit.window,
    windowKey: line.windowKey, subject: line.subject, limit: num(row.limit_value), used: num(row.used), reserved: num(row.reserved), requested: line.amount,
  };
}

async function lockReservation(client: pg.PoolClient, key: string): Promise<ReservationRow | undefined> {
  const r = await client.query<ReservationRow>(
    'SELECT tenant, status, lines, reserve_result, settle_result, release_result FROM budget_reservations WHERE key = $1::text FOR UPDATE',
    [key],
  );
  return r.rows[0];
}

async function storedResult(client: pg.PoolClient, key: string, tenant: string, column: 'reserve_result'): Promise<unknown> {
  const row = await lockReservation(client, key);
  // why: a key is only meaningful within its tenant; answering another tenant's key would leak its budget.
  if (!row || row.tenant !== tenant) throw new InterceptorError('CONFLICT', `reservation key \`${key}\` belongs to another tenant`);
  return readJson(StoredResultSchema, row[column], `budget_reservations.${column}`);
}

/** Move a reservation's counters from reserved to used, charging `actual` (or the reserved amount for unreported metrics). */
export async function settle(db: Queryable, input: z.input<typeof SettleInputSchema>): Promise<SettleResult> {
  const req = parseOrFail(SettleInputSchema, input, 'budget settlement');
  return inCallersTransaction(db, async (client) => {
    const row = await lockReservation(client, req.key);
    if (!row) return { ok: false, key: req.key, code: 'NOT_FOUND' };
    if (row.status === 'SETTLED') return readJson(StoredResultSchema, row.settle_result, 'budget_reservations.settle_result') as SettleResult;
    if (row.status !== 'RESERVED') return { ok: false, key: req.key, code: row.status };
    const lines = readJson(z.array(LineSchema), row.lines, 'budget_reservations.lines');
    const charged = await moveLines(client, lines, req.actual);
    const result: SettleResult = { ok: true, key: req.key, status: 'SETTLED', charged };
    await finish(client, req.key, 'SETTLED', 'settle_result', result);
    return result;
  });
}

/** Give back what a reservation holds (the step was denied or failed before it used anything). */
export async function release(db: Queryable, input: z.input<typeof ReleaseInputSchema>): Promise<ReleaseResult> {
  const req = parseOrFail(ReleaseInputSchema, input, 'budget release');
  return inCallersTransaction(db, async (client) => {
    const row = await lockReservation(client, req.key);
    if (!row) return { ok: false, key: req.key, code: 'NOT_FOUND' };
    if (row.status === 'RELEASED') return readJson(StoredResultSchema, row.release_result, 'budget_reservations.release_result') as ReleaseResult;
    if (row.status === 'SETTLED') return { ok: false, key: req.key, code: 'SETTLED' };
    // A refused reservation holds nothing; releasing it is a harmless no-op that still records the answer.
    const lines = row.status === 'RESERVED' ? readJson(z.array(LineSchema), row.lines, 'budget_reservations.lines') : [];
    const released = await moveLines(client, lines, null);
    const result: ReleaseResult = { ok: true, key: req.key, status: 'RELEASED', released };
    await finish(client, req.key, 'RELEASED', 'release_result', result);
    return result;
  });
}

/** Drop each line's hold; with `actual`, also charge the settled amount as used. */
async function moveLines(client: pg.PoolClient, lines: ReservationLine[], actual: BudgetAmounts | null) {
  const out: { budgetId: string; metric: string; amount: number }[] = [];
  for (const line of lines) {
    const charge = actual ? settledAmount(line, actual) : 0;
    if (line.amount === 0 && charge === 0) continue;
    await ensureCounter(client, line);
    await client.query(
      `UPDATE budget_usage SET reserved = reserved - $4::numeric(24, 6), used = used + $5::numeric(24, 6), updated_at = now()
        WHERE budget_id = $1::text AND window_key = $2::text AND subject = $3::text`,
      [line.budgetId, line.windowKey, line.subject, String(line.amount), String(charge)],
    );
    out.push({ budgetId: line.budgetId, metric: line.metric, amount: actual ? charge : line.amount });
  }
  return out;
}

async function finish(client: pg.PoolClient, key: string, status: string, column: 'settle_result' | 'release_result', result: unknown): Promise<void> {
  await client.query(`UPDATE budget_reservations SET status = $2::text, ${column} = $3::jsonb, updated_at = now() WHERE key = $1::text`, [key, status, jsonParam(result)]);
}
