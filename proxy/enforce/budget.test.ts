import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditBuffer } from '../audit/buffer.js';
import { chargesInAudit, LEGACY_BUDGET_FILE, openLocalBudget } from './budget.js';

const day1 = new Date('2026-11-25T10:00:00Z');
const day2 = new Date('2026-11-26T00:00:01Z');

describe('local budget', () => {
  it('refuses the call past the daily limit, per agent, and starts again the next UTC day', () => {
    const b = openLocalBudget({ callsPerDay: 2 }, { now: day1 });
    expect(b.reserve('a', 0, day1)).toBe(true);
    expect(b.reserve('a', 0, day1)).toBe(true);
    expect(b.check('a', day1)).toEqual({ fractionUsed: 1, exhausted: true });
    expect(b.reserve('a', 0, day1)).toBe(false);
    expect(b.reserve('b', 0, day1)).toBe(true);
    expect(b.reserve('a', 0, day2)).toBe(true);
  });

  it('limits cost as well as calls', () => {
    const b = openLocalBudget({ costUsdPerDay: 0.05 });
    expect(b.reserve('a', 0.03, day1)).toBe(true);
    expect(b.check('a', day1).fractionUsed).toBeCloseTo(0.6);
    expect(b.reserve('a', 0.03, day1)).toBe(false);
  });

  it('treats a zero limit as spent', () => {
    const b = openLocalBudget({ callsPerDay: 0 });
    expect(b.check('a', day1).exhausted).toBe(true);
    expect(b.reserve('a', 0, day1)).toBe(false);
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
    const charges = chargesInAudit(audit.readAll());
    audit.close();
    expect(charges).toHaveLength(4);
    const b = openLocalBudget({ callsPerDay: 3, costUsdPerDay: 0.05 }, { charges, now: day1 });
    expect(b.check('a', day1).fractionUsed).toBeCloseTo(0.8); // 0.04 of 0.05 USD is tighter than 2 of 3 calls
    expect(b.reserve('a', 0.02, day1)).toBe(false);
    expect(b.check('b', day1).fractionUsed).toBeCloseTo(1 / 3);
  });

  it("takes the larger count from an earlier version's budget.json for the same day, and ignores another day's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'budget-legacy-'));
    writeFileSync(join(dir, LEGACY_BUDGET_FILE), JSON.stringify({ window: 'day:2026-11-25', agents: { a: { calls: 2, costUsd: 0.5 }, b: { calls: 0, costUsd: 0 } } }));
    const charges = [{ agentId: 'b', at: day1, costUsd: 0 }];
    const b = openLocalBudget({ callsPerDay: 3 }, { charges, dataDir: dir, now: day1 });
    expect(b.check('a', day1).fractionUsed).toBeCloseTo(2 / 3);
    expect(b.check('b', day1).fractionUsed).toBeCloseTo(1 / 3);
    expect(openLocalBudget({ callsPerDay: 3 }, { dataDir: dir, now: day2 }).check('a', day2).fractionUsed).toBe(0);
  });

  it('refuses to start on an unreadable budget.json (fail closed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'budget-bad-'));
    writeFileSync(join(dir, LEGACY_BUDGET_FILE), '{ not json');
    expect(() => openLocalBudget({}, { dataDir: dir })).toThrow(/budget file .* is not valid JSON/);
  });
});
