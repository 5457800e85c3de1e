import { describe, expect, it } from 'vitest';
import { applies, budgetRetry, reservationLines, settledAmount, windowEndsAt, windowKey, wouldExceed, type BudgetLimit } from './index.js';

const who = { tenant: 'acme', agentId: 'agent-1', taskId: 'task-9' };
const limit = (over: Partial<BudgetLimit>): BudgetLimit => ({
  id: 'b', tenant: 'acme', scope: 'tenant', scopeRef: null, metric: 'cost_usd', window: 'day', limit: 10, ...over,
});

describe('windowKey', () => {
  const now = new Date('2026-11-25T23:59:59.999Z');
  it.each([
    ['task', 'task:task-9'],
    ['day', 'day:2026-11-25'],
    ['month', 'month:2026-11'],
  ] as const)('computes the %s window from now in UTC', (window, expected) => {
    expect(windowKey(window, now, 'task-9')).toBe(expected);
  });
  it('rolls over at UTC midnight, not local midnight', () => {
    expect(windowKey('day', new Date('2026-12-01T00:00:00.000Z'), 't')).toBe('day:2026-12-01');
    expect(windowKey('month', new Date('2026-12-01T00:00:00.000Z'), 't')).toBe('month:2026-12');
  });
  it('rejects an invalid date', () => {
    expect(() => windowKey('day', new Date('nope'), 't')).toThrow(RangeError);
  });
});

describe('windowEndsAt and budgetRetry', () => {
  it.each([
    ['day', '2026-11-25T23:59:59.999Z', '2026-11-26T00:00:00.000Z'],
    ['day', '2026-11-26T00:00:00.000Z', '2026-11-27T00:00:00.000Z'],
    ['day', '2026-12-31T12:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['month', '2026-11-25T10:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ['month', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['month', '2028-02-29T23:00:00.000Z', '2028-03-01T00:00:00.000Z'],
  ] as const)('ends a %s window that holds %s at %s (UTC)', (window, now, expected) => {
    expect(windowEndsAt(window, new Date(now))?.toISOString()).toBe(expected);
    // the end is the first instant of the next window
    expect(windowKey(window, new Date(expected), 't')).not.toBe(windowKey(window, new Date(now), 't'));
    expect(budgetRetry([window], new Date(now))).toEqual({ retryAt: expected, hint: `it resets by ${expected}` });
  });
  it('never ends a task window within the task', () => {
    expect(windowEndsAt('task', new Date('2026-11-25T10:00:00Z'))).toBeNull();
    expect(budgetRetry(['task'], new Date('2026-11-25T10:00:00Z'))).toEqual({ hint: 'it does not reset within this task' });
  });
  it('waits for the last of several exhausted budgets, and for none when one is the task\'s own', () => {
    const now = new Date('2026-11-25T10:00:00Z');
    expect(budgetRetry(['day', 'month'], now)).toEqual({ retryAt: '2026-12-01T00:00:00.000Z', hint: 'they reset by 2026-12-01T00:00:00.000Z' });
    expect(budgetRetry(['day', 'task'], now)).toEqual({ hint: 'it does not reset within this task' });
  });
  it('rejects an invalid date', () => {
    expect(() => windowEndsAt('day', new Date('nope'))).toThrow(RangeError);
  });
});

describe('applies', () => {
  it('matches the tenant and, when named, the agent or task', () => {
    expect(applies(limit({}), who)).toBe(true);
    expect(applies(limit({ tenant: 'other' }), who)).toBe(false);
    expect(applies(limit({ scope: 'agent', scopeRef: 'agent-1' }), who)).toBe(true);
    expect(applies(limit({ scope: 'agent', scopeRef: 'agent-2' }), who)).toBe(false);
    expect(applies(limit({ scope: 'agent', scopeRef: null }), who)).toBe(true);
    expect(applies(limit({ scope: 'task', scopeRef: 'task-1' }), who)).toBe(false);
  });
});

describe('reservationLines', () => {
  it('makes one line per applicable limit with its counter subject, sorted by counter', () => {
    const limits = [
      limit({ id: 'z', scope: 'task', metric: 'tool_calls', window: 'task', limit: 5 }),
      limit({ id: 'a', scope: 'agent', scopeRef: 'agent-1', metric: 'cost_usd', window: 'month' }),
      limit({ id: 'm', scope: 'agent', scopeRef: 'agent-2' }),
    ];
    const lines = reservationLines(limits, who, { cost_usd: 2 }, new Date('2026-11-25T10:00:00Z'));
    expect(lines).toEqual([
      { budgetId: 'a', windowKey: 'month:2026-11', subject: 'agent-1', metric: 'cost_usd', amount: 2, limit: 10 },
      { budgetId: 'z', windowKey: 'task:task-9', subject: 'task-9', metric: 'tool_calls', amount: 0, limit: 5 },
    ]);
  });
});

describe('wouldExceed and settledAmount', () => {
  it('refuses only what goes past the limit, and never a zero request', () => {
    expect(wouldExceed(10, 4, 5, 1)).toBe(false);
    expect(wouldExceed(10, 4, 5, 1.01)).toBe(true);
    expect(wouldExceed(10, 11, 0, 0)).toBe(false);
  });
  it('charges the actual figure, or the reserved amount when the metric was not reported', () => {
    const line = { budgetId: 'b', windowKey: 'day:x', subject: 's', metric: 'tokens' as const, amount: 100, limit: 1000 };
    expect(settledAmount(line, { tokens: 40 })).toBe(40);
    expect(settledAmount(line, { cost_usd: 1 })).toBe(100);
  });
});
