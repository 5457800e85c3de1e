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
