/**
 * @module Budget rules: which limits apply to a reservation, and what a settlement charges.
 * Storage (db/queries/budgets.ts) applies the lines atomically; these functions decide them.
 */
import type { BudgetAmounts, BudgetLimit, BudgetSubject, ReservationLine } from './types.js';
import { windowKey } from './window.js';

/** The id a limit counts against for this subject (tenant id, agent id or task id). */
export function subjectOf(limit: BudgetLimit, who: BudgetSubject): string {
  switch (limit.scope) {
    case 'tenant':
      return who.tenant;
    case 'agent':
      return who.agentId;
    case 'task':
      return who.taskId;
  }
}

/** Whether a limit covers this subject: same tenant, and the named agent/task when one is named. */
export function applies(limit: BudgetLimit, who: BudgetSubject): boolean {
  if (limit.tenant !== who.tenant) return false;
  return limit.scopeRef === null || limit.scopeRef === subjectOf(limit, who);
}

/**
 * One line per applicable limit, sorted by counter so concurrent reservations lock counters in the
 * same order (no deadlocks). A metric the request leaves out still gets a line of amount 0: it holds
 * nothing and is never refused, but lets the settlement charge what was actually used.
 */
export function reservationLines(limits: readonly BudgetLimit[], who: BudgetSubject, amounts: BudgetAmounts, now: Date): ReservationLine[] {
  const lines = limits
    .filter((l) => applies(l, who))
    .map((l) => ({
      budgetId: l.id,
      windowKey: windowKey(l.window, now, who.taskId),
      subject: subjectOf(l, who),
      metric: l.metric,
      amount: amounts[l.metric] ?? 0,
      limit: l.limit,
    }));
  return lines.sort((a, b) => compareCounters(a, b));
}

function compareCounters(a: ReservationLine, b: ReservationLine): number {
  const ka = `${a.budgetId}\u0000${a.windowKey}\u0000${a.subject}`;
  const kb = `${b.budgetId}\u0000${b.windowKey}\u0000${b.subject}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** True when adding `requested` would take the counter past its limit. Zero requests never exceed. */
export function wouldExceed(limit: number, used: number, reserved: number, requested: number): boolean {
  return requested > 0 && used + reserved + requested > limit;
}

/**
 * What a settlement charges on a line: the actual figure for its metric, or the reserved amount
 * when the caller did not report that metric (the estimate stands rather than vanishing).
 */
export function settledAmount(line: ReservationLine, actual: BudgetAmounts): number {
  return actual[line.metric] ?? line.amount;
}
