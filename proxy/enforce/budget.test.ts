import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalBudget } from './budget.js';

const day1 = new Date('2026-11-25T10:00:00Z');
const day2 = new Date('2026-11-26T00:00:01Z');

describe('local budget', () => {
  it('refuses the call past the daily limit, per agent, and persists across reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'budget-'));
    const b = openLocalBudget(dir, { callsPerDay: 2 });
    expect(b.reserve('a', 0, day1)).toBe(true);
    expect(b.reserve('a', 0, day1)).toBe(true);
    expect(b.check('a', day1)).toEqual({ fractionUsed: 1, exhausted: true });
    expect(b.reserve('a', 0, day1)).toBe(false);
    expect(b.reserve('b', 0, day1)).toBe(true);
    await b.flush();
    const again = openLocalBudget(dir, { callsPerDay: 2 });
    expect(again.reserve('a', 0, day1)).toBe(false);
    expect(again.reserve('a', 0, day2)).toBe(true);
  });

  it('limits cost as well as calls', () => {
    const b = openLocalBudget(mkdtempSync(join(tmpdir(), 'budget-')), { costUsdPerDay: 0.05 });
    expect(b.reserve('a', 0.03, day1)).toBe(true);
    expect(b.check('a', day1).fractionUsed).toBeCloseTo(0.6);
    expect(b.reserve('a', 0.03, day1)).toBe(false);
  });

  it('treats a zero limit as spent', () => {
    const b = openLocalBudget(mkdtempSync(join(tmpdir(), 'budget-')), { callsPerDay: 0 });
    expect(b.check('a', day1).exhausted).toBe(true);
    expect(b.reserve('a', 0, day1)).toBe(false);
  });
});
