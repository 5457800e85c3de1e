/**
 * Targeted cases of the native evaluator: what it answers, where it must hand over to cedar-wasm,
 * and that the product path still gives Cedar's answer (and Cedar's error messages) when it does.
 */
import { describe, expect, it } from 'vitest';
import { cedar, type StatefulAuthorizationCall } from '../cedar.js';
import { compilePolicySet, decidedNatively, evaluate } from '../index.js';
import { ensurePreparsed } from '../preparsed.js';
import { callRequest } from '../test-fixtures.js';
import type { CompiledPolicySet } from '../types.js';
import { decodeCall } from './decode.js';
import { EXTENSION_FUNCTIONS, parseDecimal, parseIp } from './extensions.js';
import { NeedsCedar } from './values.js';

function compiled(text: string, schema: false | undefined = undefined): CompiledPolicySet {
  const r = compilePolicySet(text, schema === false ? { schema: false } : {});
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.policySet;
}

const call = (over: Partial<StatefulAuthorizationCall> = {}): StatefulAuthorizationCall => ({
  principal: { type: 'Agent', id: 'a' },
  action: { type: 'Action', id: 'call_tool' },
  resource: { type: 'Tool', id: 't' },
  context: {},
  entities: [],
  preparsedPolicySetId: 'unused',
  ...over,
});

describe('native evaluator', () => {
  it('compiles the default constructs and decides natively, with the same answer as cedar-wasm', () => {
    const set = compiled(`@id("cap") permit (principal is Agent, action == Action::"call_tool", resource is Tool) when { principal.capabilities.contains(resource.requiredCapability) };
@id("gate") @decision("require_approval") forbid (principal, action == Action::"call_tool", resource) when { context.risk.level == "high" };`);
    expect(set.native).toBeDefined();
    const high = callRequest({ call: { risk: { score: 80, level: 'high' } } });
    expect(decidedNatively(set, high)).toBe(true);
    const response = evaluate(set, high, { cache: false });
    expect(response).toEqual(evaluate(set, high, { cache: false, engine: 'cedar-wasm' }));
    expect(response.decision).toBe('REQUIRE_APPROVAL');
    expect(response.diagnostics.reasons).toEqual(['gate']);
  });

  it('keeps a set with a Long literal beyond 2^53 on cedar-wasm, which still decides it', () => {
    const set = compiled(`@id("big") permit (principal, action == Action::"call_tool", resource) when { context.risk.score < 9007199254740993 };`);
    expect(set.native).toBeUndefined();
    expect(set.nativeUnsupported).toMatch(/policy `big`: integer literal beyond 2\^53/);
    const request = callRequest();
    expect(decidedNatively(set, request)).toBe(false);
    expect(evaluate(set, request, { cache: false }).decision).toBe('ALLOW');
  });

  it('hands an erroring policy to cedar-wasm, so the error message is Cedar\'s own', () => {
    const set = compiled(`@id("tag") permit (principal, action == Action::"call_tool", resource) when { context.args.getTag("missing") == "x" };
@id("all") permit (principal, action, resource);`, false);
    const request = callRequest();
    expect(decidedNatively(set, request)).toBe(false);
    const response = evaluate(set, request, { cache: false });
    expect(response.decision).toBe('ALLOW');
    expect(response.diagnostics.reasons).toEqual(['all']);
    expect(response.diagnostics.errors).toHaveLength(1);
    expect(response.diagnostics.errors[0]).toMatchObject({ policyId: 'tag' });
    expect(response.diagnostics.errors[0]?.message).toMatch(/missing/);
  });

  it('treats integer overflow as Cedar does (an error, decided by cedar-wasm)', () => {
    const set = compiled(`@id("mul") forbid (principal, action == Action::"call_tool", resource) when { context.risk.score * 9007199254740991 * 9007199254740991 > 0 };
@id("all") permit (principal, action, resource);`);
    const response = evaluate(set, callRequest({ call: { risk: { score: 5, level: 'low' } } }), { cache: false });
    expect(response.decision).toBe('ALLOW');
    expect(response.diagnostics.errors.map((e) => e.policyId)).toEqual(['mul']);
    expect(response.diagnostics.errors[0]?.message).toMatch(/overflow/);
  });

  it('does not use closures compiled from other texts than the set now holds', () => {
    const set = compiled(`@id("all") permit (principal, action, resource);`);
    const swapped = { ...set, cedar: { all: 'forbid (principal, action, resource);' } };
    expect(decidedNatively(swapped, callRequest())).toBe(false);
  });

  it('refuses to read requests Cedar might read differently', () => {
    const cases: Array<[string, Partial<StatefulAuthorizationCall>]> = [
      ['unsafe integer', { context: { n: 2 ** 60 } }],
      ['fraction', { context: { n: 1.5 } }],
      ['null', { context: { n: null } }],
      ['lone surrogate', { context: { s: '\ud800' } }],
      ['extension escape', { context: { x: { __extn: { fn: 'ip', arg: '1.2.3.4' } } } }],
      ['uid-shaped record', { context: { x: { type: 'User', id: 'a' } } }],
      ['duplicate entity', { entities: [{ uid: { type: 'User', id: 'a' }, attrs: {}, parents: [] }, { uid: { type: 'User', id: 'a' }, attrs: {}, parents: [] }] }],
      ['hierarchy cycle', { entities: [{ uid: { type: 'User', id: 'a' }, attrs: {}, parents: [{ type: 'User', id: 'b' }] }, { uid: { type: 'User', id: 'b' }, attrs: {}, parents: [{ type: 'User', id: 'a' }] }] }],
      ['reserved type name', { principal: { type: 'if', id: 'a' } }],
    ];
    for (const [what, over] of cases) expect(() => decodeCall(call(over)), what).toThrow(NeedsCedar);
    // Cedar indeed rejects these (a duplicate it may accept: declining costs only speed)
    const set = compiled('@id("all") permit (principal, action, resource);', false);
    expect(ensurePreparsed(set.version, set.cedar)).toEqual([]);
    for (const [what, over] of cases.filter(([w]) => w === 'fraction' || w === 'null' || w === 'hierarchy cycle')) {
      expect(cedar.statefulIsAuthorized(call({ ...over, preparsedPolicySetId: set.version })).type, what).toBe('failure');
    }
  });

  it('reads entity hierarchies transitively and through `is ... in`', () => {
    const set = compiled(`@id("deep") permit (principal is Agent in Org::"o", action, resource) when { principal in [Team::"x", Org::"o"] };`, false);
    const entities = [
      { uid: { type: 'Agent', id: 'a' }, attrs: {}, parents: [{ type: 'Team', id: 't' }] },
      { uid: { type: 'Team', id: 't' }, attrs: {}, parents: [{ type: 'Dept', id: 'd' }] },
      { uid: { type: 'Dept', id: 'd' }, attrs: {}, parents: [{ type: 'Org', id: 'o' }] },
    ];
    expect(set.native?.authorize(call({ entities }), ['deep'])).toEqual({ decision: 'allow', determining: ['deep'] });
    expect(set.native?.authorize(call({ entities: entities.slice(0, 2) }), ['deep'])).toEqual({ decision: 'deny', determining: [] });
  });
});

describe('extension values', () => {
  it('parses decimals as Cedar does, handing doubtful forms to cedar-wasm', () => {
    expect(parseDecimal('01.5').scaled).toBe(15000n);
    expect(parseDecimal('-922337203685477.5808').scaled).toBe(-(2n ** 63n));
    for (const bad of ['1.', '.5', '+1.0', '1.23456', '922337203685477.5808', ' 1.0']) expect(() => parseDecimal(bad), bad).toThrow(NeedsCedar);
  });

  it('parses IP addresses and ranges strictly', () => {
    expect(parseIp('10.1.2.3/8').isInRange(parseIp('10.0.0.0/8'))).toBe(true);
    expect(parseIp('10.0.0.0/8').isInRange(parseIp('10.1.0.0/16'))).toBe(false);
    expect(parseIp('::1').equals(parseIp('0:0:0:0:0:0:0:1'))).toBe(true);
    expect(parseIp('2001:db8::7').isInRange(parseIp('2001:db8::/32'))).toBe(true);
    expect(parseIp('1.2.3.4').isInRange(parseIp('::/0'))).toBe(false);
    for (const bad of ['010.0.0.1', '10.0.0.1/08', '::ffff:1.2.3.4', 'fe80::1%eth0', '1::2::3', '1.2.3.4/', '10.0.0.0/33']) expect(() => parseIp(bad), bad).toThrow(NeedsCedar);
  });
});

describe('extension functions agree with cedar-wasm on a grid of values', () => {
  /** Cedar's verdict on `when { <condition> }`: allow, deny, or ERR when the condition errors. */
  function cedarSays(condition: string): string {
    const r = cedar.isAuthorized({ principal: { type: 'A', id: 'a' }, action: { type: 'Action', id: 'a' }, resource: { type: 'A', id: 'a' }, context: {}, entities: [], policies: { staticPolicies: `permit (principal, action, resource) when { ${condition} };` } });
    if (r.type !== 'success') throw new Error(JSON.stringify(r.errors));
    return r.response.diagnostics.errors.length > 0 ? 'ERR' : r.response.decision;
  }
  const verdict = (b: unknown): string => (b === true ? 'allow' : 'deny');

  it('ip: predicates, equality and ranges', () => {
    const ips = ['10.1.2.3/8', '10.0.0.0/8', '127.0.0.1', '127.5.0.0/16', '127.0.0.0/7', '::1', '::1/127', '::/0', '224.0.0.9', '224.0.0.0/3', 'ff02::1', 'ff00::/7', '0.0.0.0/0', '2001:db8::/32'];
    for (const a of ips) {
      for (const m of ['isLoopback', 'isMulticast', 'isIpv4', 'isIpv6']) expect(verdict(EXTENSION_FUNCTIONS[m]!.call([parseIp(a)])), `${a}.${m}`).toBe(cedarSays(`ip("${a}").${m}()`));
      for (const b of ips) {
        expect(verdict(parseIp(a).equals(parseIp(b))), `${a} == ${b}`).toBe(cedarSays(`ip("${a}") == ip("${b}")`));
        expect(verdict(parseIp(a).isInRange(parseIp(b))), `${a} in range ${b}`).toBe(cedarSays(`ip("${a}").isInRange(ip("${b}"))`));
      }
    }
  });

  it('decimal: equality and comparisons', () => {
    const decs = ['1.5', '1.50', '01.5', '-0.0', '0.0', '-1.0', '2.0001'];
    for (const a of decs) {
      for (const b of decs) {
        expect(verdict(parseDecimal(a).equals(parseDecimal(b))), `${a} == ${b}`).toBe(cedarSays(`decimal("${a}") == decimal("${b}")`));
        for (const op of ['lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual']) {
          expect(verdict(EXTENSION_FUNCTIONS[op]!.call([parseDecimal(a), parseDecimal(b)])), `${a}.${op}(${b})`).toBe(cedarSays(`decimal("${a}").${op}(decimal("${b}"))`));
        }
      }
    }
  });
});
