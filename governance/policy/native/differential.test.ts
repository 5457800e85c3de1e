/**
 * Differential proof of the native evaluator: on the default pack, on the benchmark's 100-policy
 * set and on random policies covering every supported construct (ill-typed ones included), the
 * native answer must equal cedar-wasm's: same decision, same determining policies, and whenever
 * Cedar reports an error or rejects the request, the native evaluator must decline to answer.
 */
import { describe, expect, it } from 'vitest';
import { AGENTS, TOOL_NAMES, generatePolicySet } from '../../../bench/policy/generate.js';
import { cedar, type StatefulAuthorizationCall } from '../cedar.js';
import { loadDefaultPolicyPack } from '../default-pack.js';
import { compilePolicySet, evaluate } from '../index.js';
import { ensurePreparsed } from '../preparsed.js';
import { toCedarCall } from '../request.js';
import type { CompiledPolicySet, PolicyRequest } from '../types.js';
import { Rng, randomHierarchyCall, randomPolicySet, randomRequest } from './fuzz-generators.js';

interface Tally {
  compared: number;
  /** Native answered and agreed. */
  answered: number;
  /** Cedar errored or rejected the request, and native declined. */
  declinedOnError: number;
  /** Native declined though Cedar answered cleanly (allowed, but must stay rare). */
  declinedClean: number;
  /** Requests the request builder itself refuses (compared on the product path only). */
  unbuildable: number;
}

const newTally = (): Tally => ({ compared: 0, answered: 0, declinedOnError: 0, declinedClean: 0, unbuildable: 0 });
const sorted = (ids: readonly string[]): string[] => [...ids].sort();

/** Cedar's answer; it throws (rather than fails) on some inputs, such as lone surrogates. */
function cedarAnswer(call: StatefulAuthorizationCall): ReturnType<typeof cedar.statefulIsAuthorized> | { type: 'threw'; message: string } {
  try {
    return cedar.statefulIsAuthorized(call);
  } catch (e) {
    return { type: 'threw', message: String(e) };
  }
}

/** Compare one raw call on every policy of `set` (no slicing): the native engine alone against Cedar. */
function compareCall(set: CompiledPolicySet, call: StatefulAuthorizationCall, tally: Tally, label: () => string, strict: boolean): void {
  const native = set.native;
  if (!native) throw new Error(`set has no native form: ${set.nativeUnsupported ?? ''}`);
  const ids = set.policies.map((p) => p.id);
  const answer = cedarAnswer(call);
  const verdict = native.authorize(call, ids);
  tally.compared++;
  const cedarErred = answer.type !== 'success' || answer.response.diagnostics.errors.length > 0;
  if (cedarErred) {
    expect(verdict, `native answered where Cedar erred: ${label()} ${JSON.stringify(answer)}`).toBeUndefined();
    tally.declinedOnError++;
    return;
  }
  if (answer.type !== 'success') return;
  if (verdict === undefined) {
    // allowed only for values beyond what JS numbers hold exactly (Cedar's Longs are 64-bit); with
    // random arithmetic in the policies (`strict` false) such values can arise anywhere, so only count
    if (strict) expect(JSON.stringify(call), `native declined a clean call: ${label()}`).toMatch(/\d{16}|e\+/);
    tally.declinedClean++;
    return;
  }
  const expected = { decision: answer.response.decision, determining: sorted(answer.response.diagnostics.reason) };
  expect({ decision: verdict.decision, determining: sorted(verdict.determining) }, label()).toEqual(expected);
  tally.answered++;
}

/** The full product path (slicing, classification, fallback): native-first equals cedar-wasm-only. */
function compareEvaluate(set: CompiledPolicySet, request: PolicyRequest, label: () => string): void {
  const viaNative = evaluate(set, request, { cache: false });
  const viaWasm = evaluate(set, request, { cache: false, engine: 'cedar-wasm' });
  expect(viaNative, label()).toEqual(viaWasm);
}

/** Both engines at the call level, then the product path; a request the builder refuses is compared on the product path only. */
function compareBoth(set: CompiledPolicySet, request: PolicyRequest, tally: Tally, label: () => string, strict = true): void {
  expect(ensurePreparsed(set.version, set.cedar)).toEqual([]);
  let call: StatefulAuthorizationCall | undefined;
  try {
    call = toCedarCall(request, set.version, set.shape);
  } catch {
    // e.g. a lone surrogate inside a nested argument: canonical JSON refuses it, evaluate() denies
    tally.unbuildable++;
  }
  if (call) compareCall(set, call, tally, label, strict);
  compareEvaluate(set, request, label);
}

function benchRequest(rng: Rng): PolicyRequest {
  const r = randomRequest(rng);
  if (r.action !== 'call_tool') return r;
  const name = rng.pick(TOOL_NAMES);
  const capabilities = [...r.principal.capabilities, `team-${rng.int(7)}:${name}`, `cap:${name}`];
  return { ...r, principal: { ...r.principal, agentId: rng.pick(AGENTS), capabilities }, tool: { ...r.tool, name, requiredCapability: rng.chance(0.5) ? `cap:${name}` : r.tool.requiredCapability }, call: { ...r.call, args: { ...r.call.args, target: rng.pick(['restricted-3', 'https://blocked-2.example/x', 'fine']) } } };
}

describe('native Cedar evaluator equals cedar-wasm', () => {
  const pack = loadDefaultPolicyPack();

  it('on the default pack (1,000 random requests)', () => {
    expect(pack.policySet.native).toBeDefined();
    const rng = new Rng(1);
    const tally = newTally();
    for (let i = 0; i < 1000; i++) {
      const request = randomRequest(rng);
      const label = () => `request ${i}: ${JSON.stringify(request)}`;
      compareBoth(pack.policySet, request, tally, label);
    }
    // why: only requests holding values Cedar itself rejects (huge numbers, lone surrogates) may decline
    expect(tally.answered / tally.compared).toBeGreaterThan(0.75);
    expect(tally.declinedClean).toBe(0);
  });

  it('on the benchmark set of 100 policies (800 random requests)', () => {
    const compiled = compilePolicySet(generatePolicySet(100, pack.text));
    if (!compiled.ok) throw new Error('bench set does not compile');
    const set = compiled.policySet;
    expect(set.native).toBeDefined();
    const rng = new Rng(2);
    const tally = newTally();
    for (let i = 0; i < 800; i++) {
      const request = benchRequest(rng);
      const label = () => `request ${i}: ${JSON.stringify(request)}`;
      compareBoth(set, request, tally, label);
    }
    expect(tally.answered / tally.compared).toBeGreaterThan(0.75);
    expect(tally.declinedClean).toBeLessThan(tally.compared * 0.02);
    // the requests must exercise every outcome, or the comparison proves little
    const decisions = new Set(Array.from({ length: 300 }, () => evaluate(set, benchRequest(rng), { cache: false }).decision));
    expect([...decisions].sort()).toEqual(['ALLOW', 'DENY', 'REQUIRE_APPROVAL']);
  });

  it('on random policies covering every supported construct (250 sets x 10 requests)', () => {
    const rng = new Rng(3);
    const tally = newTally();
    let sets = 0;
    for (let s = 0; s < 250; s++) {
      const text = randomPolicySet(rng, 1 + rng.int(8));
      const compiled = compilePolicySet(text, { schema: false });
      if (!compiled.ok) continue;
      sets++;
      const set = compiled.policySet;
      expect(set.nativeUnsupported, text).toBeUndefined();
      for (let i = 0; i < 10; i++) {
        const request = randomRequest(rng);
        const label = () => `set ${s}:\n${text}\nrequest ${JSON.stringify(request)}`;
        compareBoth(set, request, tally, label, false);
      }
    }
    expect(sets).toBeGreaterThan(200);
    // both outcomes must be well represented: clean answers and errors
    expect(tally.answered).toBeGreaterThan(tally.compared * 0.4);
    expect(tally.declinedOnError).toBeGreaterThan(tally.compared * 0.05);
    expect(tally.declinedClean).toBeLessThan(tally.compared * 0.05);
  });

  it('on entity hierarchies with chains and cycles (150 sets x 10 calls)', () => {
    const rng = new Rng(4);
    const tally = newTally();
    for (let s = 0; s < 150; s++) {
      const text = randomPolicySet(rng, 1 + rng.int(6), 0);
      const compiled = compilePolicySet(text, { schema: false });
      if (!compiled.ok) continue;
      const set = compiled.policySet;
      expect(ensurePreparsed(set.version, set.cedar)).toEqual([]);
      for (let i = 0; i < 10; i++) {
        const call = randomHierarchyCall(rng, set.version);
        compareCall(set, call, tally, () => `set ${s}:\n${text}\ncall ${JSON.stringify(call)}`, false);
      }
    }
    expect(tally.answered).toBeGreaterThan(tally.compared * 0.3);
  });
});
