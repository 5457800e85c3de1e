/** @module How much of the tightest applicable budget a task has used: an input to risk and policy. */
import { applies, budgetRetry, subjectOf, windowKey, type BudgetSubject } from '../governance/budget/index.js';
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
  const budgets = await getBudgetsWithUsage(db, who.tenant, { now, taskId: who.taskId });
  let fraction = 0;
  let reason: DecisionReason | undefined;
  for (const b of budgets) {
    if (!applies(b, who)) continue;
    const key = windowKey(b.window, now, who.taskId);
    const subject = subjectOf(b, who);
    const c = b.usage.find((u) => u.windowKey === key && u.subject === subject);
    const spent = c ? c.used + c.reserved : 0;
    const f = b.limit <= 0 ? 1 : spent / b.limit;
    if (f >= 1 && !reason) {
      const retry = budgetRetry(b.window, now);
      reason = { code: 'BUDGET_EXCEEDED', message: `budget \`${b.id}\` (${b.scope} ${b.metric} per ${b.window}, limit ${b.limit}) is exhausted: ${spent} used; ${retry.hint}`, ...(retry.retryAt ? { retryAt: retry.retryAt } : {}) };
    }
    fraction = Math.max(fraction, f);
  }
  return { fractionUsed: Math.min(fraction, 1), exhausted: fraction >= 1, ...(reason ? { exhaustedReason: reason } : {}) };
}
