import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatePolicySet } from '../../bench/policy/generate.js';
import { DEMO_TOOLS } from '../../policies/demo-tools.js';
import { loadDefaultPolicyPack } from './default-pack.js';
import { compilePolicySet, evaluate } from './index.js';
import { SliceIndex } from './slices.js';
import type { CompiledPolicySet, PolicyRequest, PolicyTool } from './types.js';

const pack = loadDefaultPolicyPack();
const compiled = compilePolicySet(generatePolicySet(300, pack.text));
if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors.slice(0, 2)));
const sliced = compiled.policySet;
// The same set with slicing and request trimming turned off: every policy applies to every
// request, and every request carries every attribute.
const whole: CompiledPolicySet = {
  ...sliced,
  slices: new SliceIndex(sliced.version, sliced.policies.map((p) => ({ id: p.id }))),
  shape: {
    contextKeys: 'all',
    contextFields: new Map(),
    attributes: new Set(['tenant', 'capabilities', 'delegationDepth', 'actingFor', 'name', 'riskLevel', 'sideEffect', 'requiredCapability', 'server']),
    usesHierarchy: true,
    capabilityProbes: 'all',
    toolCache: new WeakMap(),
  },
};

const tools: PolicyTool[] = [
  ...DEMO_TOOLS,
  { name: 'tool-3', riskLevel: 'critical', sideEffect: 'irreversible', requiredCapability: 'team-3:tool-3' },
  { name: 'tool-8', riskLevel: 'low', sideEffect: 'read', requiredCapability: 'cap:tool-8', server: 'mcp-a' },
];

const requestArb = fc.record({
  agent: fc.integer({ min: 0, max: 24 }),
  tool: fc.constantFrom(...tools),
  caps: fc.subarray(['files:read', 'files:write', 'http:get', 'email:send', 'sql:read', 'team-3:tool-3', 'team-0:read_file', 'cap:tool-8']),
  tainted: fc.boolean(),
  trust: fc.constantFrom('trusted' as const, 'internal' as const, 'external' as const, 'untrusted' as const),
  score: fc.integer({ min: 0, max: 100 }),
  level: fc.constantFrom('low' as const, 'medium' as const, 'high' as const, 'critical' as const),
  signals: fc.integer({ min: 0, max: 3 }),
  fraction: fc.double({ min: 0, max: 1.2, noNaN: true }),
  exhausted: fc.boolean(),
  hour: fc.integer({ min: 0, max: 24 * 7 - 1 }),
  depth: fc.integer({ min: 0, max: 5 }),
  to: fc.constantFrom('bob@example.com', 'eve@evil.example', 'restricted-2'),
});

describe('policy slicing and request trimming', () => {
  it('give exactly the decision, reasons and errors of the whole set on the whole request', () => {
    fc.assert(fc.property(requestArb, (r) => {
      const request: PolicyRequest = {
        action: 'call_tool',
        principal: { agentId: `agent-${r.agent}`, tenant: 'demo', capabilities: r.caps, actingFor: Array.from({ length: r.depth }, (_, i) => `u${i}`) },
        tool: r.tool,
        call: { args: { to: r.to, body: 'x' }, tainted: r.tainted, taintSources: r.tainted ? ['retrieval:blocked-2'] : [], lowestTrust: r.trust, risk: { score: r.score, level: r.level }, injectionSignals: r.signals, budget: { fractionUsed: r.fraction, exhausted: r.exhausted } },
        now: new Date(Date.UTC(2026, 2, 1) + r.hour * 3_600_000),
      };
      const a = evaluate(sliced, request);
      expect(evaluate(sliced, request)).toEqual(a); // a cache hit answers the same
      const b = evaluate(whole, request, { cache: false });
      expect(a).toEqual(b);
    }), { numRuns: 150 });
  });

  it('leaves out policies for other tools and other agents', () => {
    const slice = sliced.slices.slice({ principal: 'Agent::"agent-1"', action: 'Action::"call_tool"', resource: 'Tool::"read_file"', resourceType: 'Tool', toolAttrs: { name: 'read_file', sideEffect: 'read', riskLevel: 'low', requiredCapability: 'files:read', server: 'builtin' } });
    expect(slice.ids).toContain('permit-capability-holders');
    expect(slice.ids).not.toContain('forbid-tainted-external');
    expect(slice.ids).not.toContain('approve-external-email');
    expect(slice.ids.length).toBeLessThan(sliced.policies.length / 5);
  });
});
