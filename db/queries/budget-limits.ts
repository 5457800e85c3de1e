/** @module Budget limits and their usage counters (re-exported by budgets.ts). */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { BUDGET_METRICS, BUDGET_SCOPES, BUDGET_WINDOWS, windowKey, type BudgetLimit, type BudgetMetric, type BudgetScope, type BudgetWindow } from '../../governance/budget/index.js';
import { parseOrFail } from '../../lib/validation.js';
import type { Queryable } from '../pool.js';
import { num } from '../rows.js';

interface BudgetRow {
  id: string;
  tenant: string;
  scope: BudgetScope;
  scope_ref: string | null;
  metric: BudgetMetric;
  time_window: BudgetWindow;
  limit_value: string;
}

const BUDGET_COLUMNS = 'id, tenant, scope, scope_ref, metric, time_window, limit_value';

export function toBudgetLimit(r: BudgetRow): BudgetLimit {
  return { id: r.id, tenant: r.tenant, scope: r.scope, scopeRef: r.scope_ref, metric: r.metric, window: r.time_window, limit: num(r.limit_value) };
}

export const SetBudgetInputSchema = z
  .object({
    tenant: z.string().min(1).max(128),
    scope: z.enum(BUDGET_SCOPES),
    scopeRef: z.string().min(1).max(256).nullable().default(null),
    metric: z.enum(BUDGET_METRICS),
    window: z.enum(BUDGET_WINDOWS),
    limit: z.number().finite().min(0).max(1e15),
  })
  .refine((b) => b.scope !== 'tenant' || b.scopeRef === null, { message: 'must be null for a tenant budget', path: ['scopeRef'] });
export type SetBudgetInput = z.input<typeof SetBudgetInputSchema>;

/** Create the limit for (tenant, scope, scopeRef, metric, window), or change it if it exists. */
export async function setBudget(db: Queryable, input: SetBudgetInput): Promise<BudgetLimit> {
  const b = parseOrFail(SetBudgetInputSchema, input, 'budget');
  const r = await db.query<BudgetRow>(
    `INSERT INTO budgets (id, tenant, scope, scope_ref, metric, time_window, limit_value)
     VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::numeric)
     ON CONFLICT (tenant, scope, coalesce(scope_ref, ''), metric, time_window)
     DO UPDATE SET limit_value = EXCLUDED.limit_value, updated_at = now()
     RETURNING ${BUDGET_COLUMNS}`,
    [`bud_${randomUUID()}`, b.tenant, b.scope, b.scopeRef, b.metric, b.window, String(b.limit)],
  );
  return toBudgetLimit(r.rows[0]!);
}

/** Remove a limit (and its counters); false when the tenant has no such budget. */
export async function deleteBudget(db: Queryable, tenant: string, id: string): Promise<boolean> {
  const r = await db.query('DELETE FROM budgets WHERE tenant = $1::text AND id = $2::text', [tenant, id]);
  return (r.rowCount ?? 0) > 0;
}

export async function listBudgets(db: Queryable, tenant: string): Promise<BudgetLimit[]> {
  const r = await db.query<BudgetRow>(`SELECT ${BUDGET_COLUMNS} FROM budgets WHERE tenant = $1::text ORDER BY id`, [tenant]);
  return r.rows.map(toBudgetLimit);
}

export interface BudgetCounter {
  windowKey: string;
  subject: string;
  used: number;
  reserved: number;
}

export interface BudgetWithUsage extends BudgetLimit {
  /** Counters of the current day/month window (or of `taskId`'s task window), one per subject. */
  usage: BudgetCounter[];
}

/** Every limit of a tenant with the counters of its current window as of `now`. */
export async function getBudgetsWithUsage(db: Queryable, tenant: string, opts: { now: Date; taskId?: string }): Promise<BudgetWithUsage[]> {
  const budgets = await listBudgets(db, tenant);
  const keys = [windowKey('day', opts.now, ''), windowKey('month', opts.now, '')];
  if (opts.taskId !== undefined) keys.push(windowKey('task', opts.now, opts.taskId));
  const r = await db.query<{ budget_id: string; window_key: string; subject: string; used: string; reserved: string }>(
    `SELECT u.budget_id, u.window_key, u.subject, u.used, u.reserved
       FROM budget_usage u JOIN budgets b ON b.id = u.budget_id
      WHERE b.tenant = $1::text AND u.window_key = ANY ($2::text[])
      ORDER BY u.budget_id, u.subject`,
    [tenant, keys],
  );
  return budgets.map((b) => ({
    ...b,
    usage: r.rows
      .filter((u) => u.budget_id === b.id && u.window_key.startsWith(`${b.window}:`))
      .map((u) => ({ windowKey: u.window_key, subject: u.subject, used: num(u.used), reserved: num(u.reserved) })),
  }));
}
