/** @module How much of the tightest applicable budget a task has used: an input to risk and policy. */
import { applies, subjectOf, windowKey, type BudgetSubject } from '../governance/budget/index.js';
import { getBudgetsWithUsage } from '../db/queries/budgets.js';
import type { Queryable } from '../db/pool.js';

export async function budgetSnapshot(db: Queryable, who: BudgetSubject, now: Date): Promise<{ fractionUsed: number; exhausted: boolean }> {
  const budgets = await getBudgetsWithUsage(db, who.tenant, { now, taskId: who.taskId });
  let fraction = 0;
  for (const b of budgets) {
    if (!applies(b, who)) continue;
    const key = windowKey(b.window, now, who.taskId);
    const subject = subjectOf(b, who);
    const c = b.usage.find((u) => u.windowKey === key && u.subject === subject);
    const spent = c ? c.used + c.reserved : 0;
    fraction = Math.max(fraction, b.limit <= 0 ? 1 : spent / b.limit);
  }
  return { fractionUsed: Math.min(fraction, 1), exhausted: fraction >= 1 };
}
