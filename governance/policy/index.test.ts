import { describe, expect, it } from 'vitest';
import { compilePolicySet, evaluate, failClosedPolicySet, loadPolicySet, POLICY_SET_DIAGNOSTIC_ID } from './index.js';
import { callRequest, NOW, READ_FILE, SEND_EMAIL } from './test-fixtures.js';
import type { PolicyRequest } from './types.js';

const CAP = `@id("cap") permit (principal is Agent, action == Action::"call_tool", resource is Tool) when { principal.capabilities.contains(resource.requiredCapability) };`;

interface Case {
  description: string;
  policies: string;
  request: PolicyRequest;
  expected: { decision: 'ALLOW' | 'DENY' | 'REQUIRE_APPROVAL'; reasons: string[]; errors: string[] };
}

// Data-driven corpus: each case states the policies, the request, and the expected decision,
// determining policy ids and erroring policy ids.
const cases: Case[] = [
  { description: 'a matching permit allows', policies: CAP, request: callRequest(), expected: { decision: 'ALLOW', reasons: ['cap'], errors: [] } },
  { description: 'no satisfied permit denies by default', policies: CAP, request: callRequest({ capabilities: ['files:read'] }), expected: { decision: 'DENY', reasons: [], errors: [] } },
  { description: 'an empty policy set denies', policies: '', request: callRequest(), expected: { decision: 'DENY', reasons: [], errors: [] } },
  {
    description: 'forbid overrides permit',
    policies: `${CAP}\n@id("no-email") forbid (principal, action == Action::"call_tool", resource == Tool::"send_email");`,
    request: callRequest(),
    expected: { decision: 'DENY', reasons: ['no-email'], errors: [] },
  },
  {
    description: 'all satisfied forbids are reasons, in text order',
    policies: `@id("z-last") forbid (principal, action == Action::"call_tool", resource);\n${CAP}\n@id("a-first") forbid (principal, action == Action::"call_tool", resource) when { context.tainted };`,
    request: callRequest({ call: { tainted: true } }),
    expected: { decision: 'DENY', reasons: ['z-last', 'a-first'], errors: [] },
  },
  {
    description: 'a permit marked require_approval, with no plain permit, asks for approval',
    policies: `@id("ask") @decision("require_approval") permit (principal, action == Action::"call_tool", resource);`,
    request: callRequest(),
    expected: { decision: 'REQUIRE_APPROVAL', reasons: ['ask'], errors: [] },
  },
  {
    description: 'a plain permit beside an approval permit allows',
    policies: `${CAP}\n@id("ask") @decision("require_approval") permit (principal, action == Action::"call_tool", resource);`,
    request: callRequest(),
    expected: { decision: 'ALLOW', reasons: ['cap'], errors: [] },
  },
  {
    description: 'an approval forbid holds a permitted call for approval',
    policies: `${CAP}\n@id("gate") @decision("require_approval") forbid (principal, action == Action::"call_tool", resource) when { context.risk.level == "high" };`,
    request: callRequest({ call: { risk: { score: 60, level: 'high' } } }),
    expected: { decision: 'REQUIRE_APPROVAL', reasons: ['gate'], errors: [] },
  },
  {
    description: 'an approval forbid alone never permits',
    policies: `@id("gate") @decision("require_approval") forbid (principal, action == Action::"call_tool", resource);`,
    request: callRequest(),
    expected: { decision: 'DENY', reasons: [], errors: [] },
  },
  {
    description: 'a plain forbid beats an approval forbid',
    policies: `${CAP}\n@id("gate") @decision("require_approval") forbid (principal, action == Action::"call_tool", resource);\n@id("stop") forbid (principal, action == Action::"call_tool", resource) when { context.tainted };`,
    request: callRequest({ call: { tainted: true } }),
    expected: { decision: 'DENY', reasons: ['stop'], errors: [] },
  },
  {
    description: 'an erroring permit is skipped and reported; the other permit still allows',
    policies: `${CAP}\n@id("overflow") permit (principal, action == Action::"call_tool", resource) when { context.risk.score + 9223372036854775807 > 0 };`,
    request: callRequest(),
    expected: { decision: 'ALLOW', reasons: ['cap'], errors: ['overflow'] },
  },
  {
    description: 'an erroring forbid is skipped and reported (Cedar semantics): the permit decides',
    policies: `${CAP}\n@id("bad-forbid") forbid (principal, action == Action::"call_tool", resource) when { context.risk.score * 9223372036854775807 > 0 };`,
    request: callRequest({ call: { risk: { score: 2, level: 'low' } } }),
    expected: { decision: 'ALLOW', reasons: ['cap'], errors: ['bad-forbid'] },
  },
  {
    description: 'tainted send_email to an outside address is denied by the taint forbid',
    policies: `${CAP}\n@id("taint") forbid (principal, action == Action::"call_tool", resource is Tool) when { context.tainted && resource.sideEffect == "external" };\n@id("ext") @decision("require_approval") forbid (principal, action == Action::"call_tool", resource is Tool) when { resource.name == "send_email" } unless { ["example.com"].containsAll(context.emailDomains) };`,
    request: callRequest({ call: { tainted: true, taintSources: ['retrieval:web'], lowestTrust: 'untrusted', args: { to: 'x@evil.example', subject: 's', body: 'b' } } }),
    expected: { decision: 'DENY', reasons: ['taint'], errors: [] },
  },
  {
    description: 'untainted send_email to an outside address is escalated',
    policies: `${CAP}\n@id("ext") @decision("require_approval") forbid (principal, action == Action::"call_tool", resource is Tool) when { resource.name == "send_email" } unless { ["example.com"].containsAll(context.emailDomains) };`,
    request: callRequest({ call: { args: { to: 'x@evil.example', subject: 's', body: 'b' } } }),
    expected: { decision: 'REQUIRE_APPROVAL', reasons: ['ext'], errors: [] },
  },
  {
    description: 'an outside address hidden in the body is seen too',
    policies: `${CAP}\n@id("ext") @decision("require_approval") forbid (principal, action == Action::"call_tool", resource is Tool) unless { ["example.com"].containsAll(context.emailDomains) };`,
    request: callRequest({ call: { args: { to: 'bob@example.com', subject: 's', body: 'also cc Eve <eve@EVIL.example>' } } }),
    expected: { decision: 'REQUIRE_APPROVAL', reasons: ['ext'], errors: [] },
  },
  {
    description: 'argument tags and per-argument trust are visible to policies',
    policies: `${CAP}\n@id("low-trust-to") forbid (principal, action == Action::"call_tool", resource) when { context.argTrust.hasTag("to") && context.argTrust.getTag("to") < 2 && context.args.hasTag("to") && context.args.getTag("to") like "*@example.com" };`,
    request: callRequest({ call: { argTrust: { to: 'external', subject: 'internal', body: 'internal' } } }),
    expected: { decision: 'DENY', reasons: ['low-trust-to'], errors: [] },
  },
  {
    description: 'policies scoped to another tool do not apply (slicing keeps decisions exact)',
    policies: `${CAP}\n@id("no-read") forbid (principal, action == Action::"call_tool", resource == Tool::"read_file");\n@id("no-read-by-name") forbid (principal, action == Action::"call_tool", resource is Tool) when { resource.name == "read_file" && context.tainted };`,
    request: callRequest({ tool: SEND_EMAIL, call: { tainted: true } }),
    expected: { decision: 'ALLOW', reasons: ['cap'], errors: [] },
  },
  {
    description: 'a policy scoped to the requested tool applies',
    policies: `${CAP}\n@id("no-read-by-name") forbid (principal, action == Action::"call_tool", resource is Tool) when { resource.name == "read_file" && context.tainted };`,
    request: callRequest({ tool: READ_FILE, call: { tainted: true, args: { path: 'a.txt' } } }),
    expected: { decision: 'DENY', reasons: ['no-read-by-name'], errors: [] },
  },
  {
    description: 'delegation: the agent is in each user it acts for',
    policies: `@id("alice-only") permit (principal in User::"alice", action, resource);`,
    request: callRequest({ actingFor: ['bob', 'alice'] }),
    expected: { decision: 'ALLOW', reasons: ['alice-only'], errors: [] },
  },
  {
    description: 'time and budget are visible',
    policies: `${CAP}\n@id("office-hours") forbid (principal, action == Action::"call_tool", resource) unless { context.time.hourUtc >= 8 && context.time.hourUtc < 18 };\n@id("budget") forbid (principal, action == Action::"call_tool", resource) when { context.budget.fractionUsed >= 90 };`,
    request: callRequest({ now: new Date('2026-03-04T22:00:00Z'), call: { budget: { fractionUsed: 0.95, exhausted: false } } }),
    expected: { decision: 'DENY', reasons: ['office-hours', 'budget'], errors: [] },
  },
];

describe('evaluate (data-driven corpus)', () => {
  it.each(cases)('$description', ({ policies, request, expected }) => {
    const compiled = compilePolicySet(policies);
    if (!compiled.ok) throw new Error(`fixture does not compile: ${JSON.stringify(compiled.errors)}`);
    const response = evaluate(compiled.policySet, request);
    expect(response.decision).toBe(expected.decision);
    expect(response.diagnostics.reasons).toEqual(expected.reasons);
    expect(response.diagnostics.errors.map((e) => e.policyId)).toEqual(expected.errors);
    expect(response.policySetVersion).toBe(compiled.policySet.version);
    expect(response.evaluatedAt).toBe(request.now.toISOString());
  });
});

describe('decision cache', () => {
  it('answers a repeated request the same, with fresh arrays, and can be bypassed', () => {
    const compiled = compilePolicySet(`${CAP}\n@id("stop") forbid (principal, action == Action::"call_tool", resource) when { context.tainted };`);
    if (!compiled.ok) throw new Error('fixture');
    const request = callRequest({ call: { tainted: true } });
    const first = evaluate(compiled.policySet, request);
    first.diagnostics.reasons.push('tampered');
    const second = evaluate(compiled.policySet, request);
    expect(second.diagnostics.reasons).toEqual(['stop']);
    expect(evaluate(compiled.policySet, request, { cache: false })).toEqual(second);
    expect(evaluate(compiled.policySet, callRequest({ call: { tainted: false } })).decision).toBe('ALLOW');
  });
});

describe('other actions', () => {
  const policies = `@id("list") permit (principal is Agent, action == Action::"list_tool", resource is Tool) when { principal.capabilities.contains(resource.requiredCapability) };
@id("docs") permit (principal, action == Action::"read_resource", resource is McpResource) when { resource.uri like "docs://*" };
@id("prompts") permit (principal, action == Action::"get_prompt", resource is Prompt) when { resource.server == "kb" };`;
  const compiled = compilePolicySet(policies);
  const principal = { agentId: 'a', tenant: 'demo', capabilities: ['files:read'], actingFor: [] };
  it('filters tool listings by capability', () => {
    if (!compiled.ok) throw new Error('fixture');
    expect(evaluate(compiled.policySet, { action: 'list_tool', principal, tool: READ_FILE, now: NOW }).decision).toBe('ALLOW');
    expect(evaluate(compiled.policySet, { action: 'list_tool', principal, tool: SEND_EMAIL, now: NOW }).decision).toBe('DENY');
  });
  it('decides MCP resources and prompts', () => {
    if (!compiled.ok) throw new Error('fixture');
    expect(evaluate(compiled.policySet, { action: 'read_resource', principal, resource: { uri: 'docs://a', server: 'kb' }, now: NOW }).decision).toBe('ALLOW');
    expect(evaluate(compiled.policySet, { action: 'read_resource', principal, resource: { uri: 'file:///etc/passwd', server: 'kb' }, now: NOW }).decision).toBe('DENY');
    expect(evaluate(compiled.policySet, { action: 'get_prompt', principal, prompt: { name: 'p', server: 'kb' }, now: NOW }).diagnostics.reasons).toEqual(['prompts']);
  });
});

describe('fail closed', () => {
  it('a policy set that fails to load denies every request and says why', () => {
    const set = loadPolicySet('@id("x") permit (principal, action == Action::"call_tool", resource) when { 1 + };');
    expect(set.status).toBe('invalid');
    const response = evaluate(set, callRequest());
    expect(response.decision).toBe('DENY');
    expect(response.diagnostics.reasons).toEqual([]);
    expect(response.diagnostics.errors).toHaveLength(1);
    expect(response.diagnostics.errors[0]?.policyId).toBe(POLICY_SET_DIAGNOSTIC_ID);
    expect(response.diagnostics.errors[0]?.message).toMatch(/^policy set `ps_[0-9a-f]{64}` failed to load: 1:81: unexpected token `}`$/);
  });
  it('an invalid request time denies instead of throwing', () => {
    const ok = compilePolicySet(CAP);
    if (!ok.ok) throw new Error('fixture');
    const response = evaluate(ok.policySet, callRequest({ now: new Date('not a date') }));
    expect(response.decision).toBe('DENY');
    expect(response.diagnostics.errors).toEqual([{ policyId: POLICY_SET_DIAGNOSTIC_ID, message: 'request time is not a valid date' }]);
  });
  it('a hand-made fail-closed set denies with its errors', () => {
    const set = failClosedPolicySet('ps_x', [{ code: 'PARSE', message: 'broken', line: 2, column: 3 }]);
    expect(evaluate(set, callRequest()).diagnostics.errors[0]?.message).toBe('policy set `ps_x` failed to load: 2:3: broken');
  });
  it('a tampered compiled set (policy missing from Cedar) denies instead of throwing', () => {
    const ok = compilePolicySet(`${CAP}\n@id("other") permit (principal, action == Action::"call_tool", resource == Tool::"x");`);
    if (!ok.ok) throw new Error('fixture');
    const broken = { ...ok.policySet, version: `${ok.policySet.version}-tampered`, cedar: { cap: 'permit (principal, action, resource) when { 1 + };' } };
    const response = evaluate(broken, callRequest());
    expect(response.decision).toBe('DENY');
    expect(response.diagnostics.errors[0]?.policyId).toBe(POLICY_SET_DIAGNOSTIC_ID);
  });
});
