import { fdatasync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { loadDefaultPolicyPack } from '../../governance/policy/default-pack.js';
import { openAuditBuffer } from '../audit/buffer.js';
import { ProxyGovernanceSchema } from '../config.js';
import { chargesInAudit, openLocalBudget } from './budget.js';
import { createLocalGovernor } from './local.js';
import type { GovernedCall } from './types.js';

const tool: Tool = { name: 'echo', description: 'echoes', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } };
const governance = ProxyGovernanceSchema.parse({ servers: { test: { tools: { echo: { requiredCapability: 'util.echo', riskLevel: 'low', sideEffect: 'read' } } } } });
const identity = (capabilities: string[]) => ({ agentId: 'a', tenant: 'acme', capabilities, actingFor: [], credentialId: 'c', keyId: 'k', expiresAt: new Date(Date.now() + 60_000).toISOString() });
const call = (capabilities: string[], id: string): GovernedCall => ({ identity: identity(capabilities), token: 't', sessionId: 's', callId: id, server: 'test', tool, args: { text: 'hello' }, derivedFrom: { text: [] } });
const state = (p: Promise<unknown>) => Promise.race([p.then(() => 'resolved', () => 'rejected'), new Promise((r) => setTimeout(() => r('pending'), 10))]);

function setup() {
  const held: Array<() => void> = [];
  const dir = mkdtempSync(join(tmpdir(), 'proxy-local-'));
  const audit = openAuditBuffer(dir, { fdatasync: (fd, done) => void held.push(() => fdatasync(fd, done)), lazyFlushMs: 60_000 });
  const policy = loadDefaultPolicyPack().policySet;
  const governor = createLocalGovernor({ policy: () => policy, governance, budget: openLocalBudget({}), audit });
  return { held, audit, governor };
}

describe('local governor and the audit flush', () => {
  it('writes an allowed decision before the upstream is called, and returns the outcome only once both records are flushed (one flush)', async () => {
    const { held, audit, governor } = setup();
    const c = call(['util.echo'], 'c1');
    const verdict = await governor.decide(c, { signal: new AbortController().signal });
    expect(verdict.decision).toBe('ALLOW');
    // in the file (the kernel) before the upstream runs; its flush is left to the outcome's
    expect(audit.readAll().map((r) => r.event.type)).toEqual(['proxy.call']);
    expect(held).toHaveLength(0);
    const outcome = governor.recordOutcome(c, verdict, { ok: true, result: { content: [] } });
    expect(await state(outcome)).toBe('pending');
    expect(held).toHaveLength(1);
    held.shift()!();
    await outcome;
    expect(held).toHaveLength(0);
    audit.close();
  });

  it('answers a refusal only once its record is on disk', async () => {
    const { held, audit, governor } = setup();
    const verdict = governor.decide(call([], 'c2'), { signal: new AbortController().signal });
    expect(await state(verdict)).toBe('pending');
    held.shift()!();
    await expect(verdict).resolves.toMatchObject({ decision: 'DENY', code: 'MISSING_CAPABILITY' });
    audit.close();
  });
});

describe('local governor and the daily allowance', () => {
  it('puts a denial down to the spent allowance, with when it resets, only when the allowance is what denies it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxy-allowance-'));
    const audit = openAuditBuffer(dir, { sync: 'batched' });
    const policy = loadDefaultPolicyPack().policySet;
    const governor = createLocalGovernor({ policy: () => policy, governance, budget: openLocalBudget({ callsPerDay: 1 }), audit });
    const signal = new AbortController().signal;
    expect((await governor.decide(call(['util.echo'], 'a1'), { signal })).decision).toBe('ALLOW');
    // allowance spent: an otherwise allowed call is refused for it, and says when to ask again
    const spent = await governor.decide(call(['util.echo'], 'a2'), { signal });
    expect(spent).toMatchObject({ decision: 'DENY', code: 'BUDGET_EXCEEDED' });
    expect(spent.decision === 'DENY' && spent.reasons[0]).toMatchObject({ code: 'BUDGET_EXCEEDED', retryAt: expect.stringMatching(/T00:00:00\.000Z$/) });
    // a call denied for another reason (no capability) keeps that reason, and promises nothing
    const other = await governor.decide(call([], 'a3'), { signal });
    expect(other).toMatchObject({ decision: 'DENY', code: 'MISSING_CAPABILITY' });
    expect(other.decision === 'DENY' && other.reasons.some((r) => r.retryAt !== undefined)).toBe(false);
    // the admitted call is charged in its audit record, so a restarted proxy counts it again
    expect(audit.readAll().filter((r) => r.event.data.allowance).map((r) => r.event.data)).toEqual([expect.objectContaining({ decision: 'ALLOW', allowance: { costUsd: 0 } })]);
    const reopened = openLocalBudget({ callsPerDay: 1 }, { charges: chargesInAudit(audit.readAll()) });
    expect(reopened.check({ tenant: 'acme', agentId: 'a' }, new Date()).exhausted).toBe(true);
    audit.close();
  });
});
