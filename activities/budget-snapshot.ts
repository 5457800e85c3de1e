/** @module How much of the tightest applicable budget a task has used: an input to risk and policy. */
import { applies, budgetRetry, subjectOf, windowKey, type BudgetMetric, type BudgetSubject, type BudgetWindow } from '../governance/budget/index.js';
import type { DecisionReason } from '../governance/types.js';
import { getBudgetsWithUsage } from '../db/queries/budgets.js';
import type { Queryable } from '../db/pool.js';

export interface BudgetSnapshot {
  fractionUsed: number;
  exhausted: boolean;
  /** Names the exhausted budget, so a denial says which one. */
  exhaustedReason?: DecisionReason;
}

export async function budgetSnapshot(db: Queryable, who: BudgetSubject, now: Date): Promise<BudgetSnapshot> {
  const spent = (await spentPerBudget(db, who, now)).map((s) => ({ ...s, fraction: s.budget.limit <= 0 ? 1 : s.used / s.budget.limit }));
  const fractionUsed = Math.min(Math.max(0, ...spent.map((s) => s.fraction)), 1);
  const exhausted = spent.filter((s) => s.fraction >= 1);
  const first = exhausted[0];
  if (!first) return { fractionUsed, exhausted: false };
  const b = first.budget;
  const retry = budgetRetry(exhausted.map((e) => e.budget.window), now);
  const reason: DecisionReason = { code: 'BUDGET_EXCEEDED', message: `budget \`${b.id}\` (${b.scope} ${b.metric} per ${b.window}, limit ${b.limit}) is exhausted: ${first.used} used; ${retry.hint}`, ...(retry.retryAt ? { retryAt: retry.retryAt } : {}) };
  return { fractionUsed, exhausted: true, exhaustedReason: reason };
}

/**
 * When a reservation of `amounts`, refused, could succeed: once every budget it would exceed has
 * reset (the one the refusal names is among them; others may be exceeded too).
 */
export async function retryForReservation(db: Queryable, who: BudgetSubject, now: Date, amounts: Partial<Record<BudgetMetric, number>>, refusedBy: BudgetWindow): Promise<{ retryAt?: string; hint: string }> {
  const over = (await spentPerBudget(db, who, now)).filter(({ budget, used }) => used + (amounts[budget.metric] ?? 0) > budget.limit);
  return budgetRetry([refusedBy, ...over.map((o) => o.budget.window)], now);
}

/** Each budget that applies to `who`, with what its current window has used and holds. */
async function spentPerBudget(db: Queryable, who: BudgetSubject, now: Date) {
  const budgets = await getBudgetsWithUsage(db, who.tenant, { now, taskId: who.taskId });
  return budgets.filter((b) => applies(b, who)).map((b) => {
    const key = windowKey(b.window, now, who.taskId);
    const subject = subjectOf(b, who);
    const c = b.usage.find((u) => u.windowKey === key && u.subject === subject);
    return { budget: b, used: c ? c.used + c.reserved : 0 };
  });
}
