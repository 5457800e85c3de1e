import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditBuffer } from '../audit/buffer.js';
import { chargesInAudit, LEGACY_BUDGET_FILE, openLocalBudget } from './budget.js';

const day1 = new Date('2026-11-25T10:00:00Z');
const a = { tenant: 'acme', agentId: 'a' };
const b = { tenant: 'acme', agentId: 'b' };
const day2 = new Date('2026-11-26T00:00:01Z');

describe('local budget', () => {
  it('refuses the call past the daily limit, per agent, and starts again the next UTC day', () => {
    const budget = openLocalBudget({ callsPerDay: 2 }, { now: day1 });
    expect(budget.reserve(a, 0, day1)).toBe(true);
    expect(budget.reserve(a, 0, day1)).toBe(true);
    expect(budget.check(a, day1)).toEqual({ fractionUsed: 1, exhausted: true });
    expect(budget.reserve(a, 0, day1)).toBe(false);
    expect(budget.reserve(b, 0, day1)).toBe(true);
    expect(budget.reserve(a, 0, day2)).toBe(true);
  });

  it('limits cost as well as calls', () => {
    const budget = openLocalBudget({ costUsdPerDay: 0.05 });
    expect(budget.reserve(a, 0.03, day1)).toBe(true);
    expect(budget.check(a, day1).fractionUsed).toBeCloseTo(0.6);
    expect(budget.reserve(a, 0.03, day1)).toBe(false);
  });

  it('treats a zero limit as spent', () => {
    const budget = openLocalBudget({ callsPerDay: 0 });
    expect(budget.check(a, day1).exhausted).toBe(true);
    expect(budget.reserve(a, 0, day1)).toBe(false);
  });
});

describe('the allowance recounted from the audit buffer', () => {
  it("counts today's admitted calls and their cost per agent, and nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), 'budget-audit-'));
    const audit = openAuditBuffer(dir, { sync: 'batched' });
    const record = (agent: string, at: Date, data: Record<string, unknown>) =>
      audit.append({ tenant: 'acme', type: 'proxy.call', actor: { kind: 'agent', id: agent }, at: at.toISOString(), data });
    void record('a', day1, { decision: 'ALLOW', allowance: { costUsd: 0.02 } });
    void record('a', day1, { decision: 'ALLOW', allowance: { costUsd: 0.02 } });
    void record('a', day1, { decision: 'DENY', code: 'POLICY_DENIED' }); // refused: not charged
    void record('a', day1, { decision: 'ALLOW', taskId: 't1' }); // durable mode: the API's budget, not this one
    void record('a', new Date('2026-11-24T23:59:59Z'), { decision: 'ALLOW', allowance: { costUsd: 1 } }); // yesterday
    void record('b', day1, { decision: 'ALLOW', allowance: { costUsd: 0 } });
    void audit.append({ tenant: 'globex', type: 'proxy.call', actor: { kind: 'agent', id: 'a' }, at: day1.toISOString(), data: { decision: 'ALLOW', allowance: { costUsd: 0.05 } } });
    const charges = chargesInAudit(audit.readAll());
    audit.close();
    expect(charges).toHaveLength(5);
    const budget = openLocalBudget({ callsPerDay: 3, costUsdPerDay: 0.05 }, { charges, now: day1 });
    expect(budget.check(a, day1).fractionUsed).toBeCloseTo(0.8); // 0.04 of 0.05 USD is tighter than 2 of 3 calls
    expect(budget.reserve(a, 0.02, day1)).toBe(false);
    expect(budget.check(b, day1).fractionUsed).toBeCloseTo(1 / 3);
  });

  it("adds an earlier version's budget.json for the same day to what the audit counts, and ignores another day's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'budget-legacy-'));
    // the earlier version made 2 calls for `a`; this version then made 1 more, recorded in the audit
    writeFileSync(join(dir, LEGACY_BUDGET_FILE), JSON.stringify({ window: 'day:2026-11-25', agents: { a: { calls: 2, costUsd: 0.5 } } }));
    const charges = [{ ...a, at: day1, costUsd: 0 }, { ...b, at: day1, costUsd: 0 }];
    const budget = openLocalBudget({ callsPerDay: 4 }, { charges, dataDir: dir, now: day1 });
    expect(budget.check(a, day1).fractionUsed).toBeCloseTo(3 / 4);
    expect(budget.check(a, day1).fractionUsed).toBeCloseTo(3 / 4); // taken in once, not per look
    expect(budget.check(b, day1).fractionUsed).toBeCloseTo(1 / 4);
    expect(budget.reserve(a, 0, day1)).toBe(true);
    expect(budget.reserve(a, 0, day1)).toBe(false);
    expect(openLocalBudget({ callsPerDay: 4 }, { dataDir: dir, now: day2 }).check(a, day2).fractionUsed).toBe(0);
  });

  it('keeps the allowances of two tenants apart when their agents share an id', () => {
    const budget = openLocalBudget({ callsPerDay: 1 }, { charges: [{ ...a, at: day1, costUsd: 0 }], now: day1 });
    expect(budget.check(a, day1).exhausted).toBe(true);
    expect(budget.reserve({ tenant: 'globex', agentId: 'a' }, 0, day1)).toBe(true);
  });

  it('refuses to start on an unreadable budget.json (fail closed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'budget-bad-'));
    writeFileSync(join(dir, LEGACY_BUDGET_FILE), '{ not json');
    expect(() => openLocalBudget({}, { dataDir: dir })).toThrow(/budget file .* is not valid JSON/);
  });
});
