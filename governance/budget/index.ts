/** @module Pure budget rules: window keys, applicable limits, settlement charges. */
export { applies, reservationLines, settledAmount, subjectOf, wouldExceed } from './rules.js';
export {
  BUDGET_METRICS,
  BUDGET_SCOPES,
  BUDGET_WINDOWS,
  BudgetAmountsSchema,
  type BudgetAmounts,
  type BudgetExceeded,
  type BudgetLimit,
  type BudgetMetric,
  type BudgetScope,
  type BudgetSubject,
  type BudgetWindow,
  type ReservationLine,
} from './types.js';
export { budgetRetry, windowEndsAt, windowKey } from './window.js';
