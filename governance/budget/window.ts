/**
 * @module Window keys. A counter belongs to one window: the task itself, a UTC calendar day or a
 * UTC calendar month. The key is computed purely from `now` so workflow replays and retries that
 * pass the same instant land on the same counter.
 */
import type { BudgetWindow } from './types.js';

/** `task:<taskId>`, `day:YYYY-MM-DD` or `month:YYYY-MM` (UTC). */
export function windowKey(window: BudgetWindow, now: Date, taskId: string): string {
  if (Number.isNaN(now.getTime())) throw new RangeError('`now` is not a valid date');
  const isoDate = now.toISOString().slice(0, 10);
  switch (window) {
    case 'task':
      return `task:${taskId}`;
    case 'day':
      return `day:${isoDate}`;
    case 'month':
      return `month:${isoDate.slice(0, 7)}`;
  }
}

/**
 * When the window `now` falls in ends, so that a request refused for this budget can succeed again:
 * the next UTC midnight, the first of the next UTC month, or null for a task's own window (it never
 * resets within the task).
 */
export function windowEndsAt(window: BudgetWindow, now: Date): Date | null {
  if (Number.isNaN(now.getTime())) throw new RangeError('`now` is not a valid date');
  switch (window) {
    case 'task':
      return null;
    case 'day':
      return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    case 'month':
      return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  }
}

/**
 * The refusal's words and retry time when the budgets with these windows are exhausted: asking again
 * can succeed only once the last of them has reset, and never within the task if one is the task's
 * own (then `retryAt` is left out).
 */
export function budgetRetry(windows: readonly BudgetWindow[], now: Date): { retryAt?: string; hint: string } {
  const ends = windows.map((w) => windowEndsAt(w, now));
  if (ends.length === 0 || ends.some((e) => e === null)) return { hint: 'it does not reset within this task' };
  const retryAt = new Date(Math.max(...ends.map((e) => e!.getTime()))).toISOString();
  return { retryAt, hint: `${windows.length > 1 ? 'they reset' : 'it resets'} by ${retryAt}` };
}
