/**
 * @module The decision: pure, total, synchronous. Forbid overrides permit; no satisfied permit
 * means DENY; a decision whose only satisfied permits ask for approval, or that a satisfied
 * approval forbid holds, is REQUIRE_APPROVAL; anything else satisfied is ALLOW.
 */
import type { Decision, PolicyResponse } from '../types.js';
import { cedar } from './cedar.js';
import { cachedVerdict, rememberVerdict } from './decision-cache.js';
import { NativeAuthorizer } from './native/index.js';
import { ensurePreparsed } from './preparsed.js';
import { resourceUid, toCedarCall } from './request.js';
import { uidKey, type SliceKey } from './slices.js';
import type { CompiledPolicySet, PolicyRequest } from './types.js';

/** Id used in diagnostics for problems of the whole set rather than of one policy. */
export const POLICY_SET_DIAGNOSTIC_ID = '(policy-set)';

type Errors = PolicyResponse['diagnostics']['errors'];

export interface EvaluateOptions {
  /** Reuse the verdict of an identical earlier cedar-wasm request (default true; see decision-cache.ts). */
  cache?: boolean;
  /**
   * 'auto' (default): the native evaluator when the set compiled to it, cedar-wasm when it did not
   * or when the native evaluator is unsure (errors, unusual values). 'cedar-wasm': always cedar-wasm
   * (the reference, for differential tests and benchmarks).
   */
  engine?: 'auto' | 'cedar-wasm';
}

/** Decide `request` under `policySet`. Never throws: every failure is a DENY that says why. */
export function evaluate(policySet: CompiledPolicySet, request: PolicyRequest, opts: EvaluateOptions = {}): PolicyResponse {
  const validTime = request.now instanceof Date && !Number.isNaN(request.now.getTime());
  const evaluatedAt = validTime ? request.now.toISOString() : new Date(0).toISOString();
  const respond = (decision: Decision, reasons: string[], errors: Errors): PolicyResponse => ({
    decision,
    diagnostics: { reasons, errors },
    policySetVersion: policySet.version,
    evaluatedAt,
  });
  if (policySet.status !== 'ready') {
    const detail = policySet.loadErrors.map((e) => `${e.line}:${e.column}: ${e.message}`).join('; ');
    return respond('DENY', [], [{ policyId: POLICY_SET_DIAGNOSTIC_ID, message: `policy set \`${policySet.version}\` failed to load: ${detail}` }]);
  }
  if (!validTime) return respond('DENY', [], [{ policyId: POLICY_SET_DIAGNOSTIC_ID, message: 'request time is not a valid date' }]);
  try {
    const slice = policySet.slices.slice(sliceKeyOf(request));
    // no policy can apply: deny by default, without asking Cedar
    if (slice.ids.length === 0) return respond('DENY', [], []);
    const call = toCedarCall(request, slice.sliceId, policySet.shape);
    // why no decision cache on this path: evaluating natively costs less than building the cache key
    const native = opts.engine === 'cedar-wasm' ? undefined : nativeFor(policySet);
    const verdict = native?.authorize(call, slice.ids);
    if (verdict) {
      const { decision, reasons } = classify(policySet, verdict.decision, verdict.determining);
      return respond(decision, reasons, []);
    }
    const problems = ensurePreparsed(slice.sliceId, pickPolicies(policySet, slice.ids));
    if (problems.length > 0) return respond('DENY', [], problems.map((message) => ({ policyId: POLICY_SET_DIAGNOSTIC_ID, message })));
    const key = opts.cache === false ? undefined : JSON.stringify(call);
    const hit = key === undefined ? undefined : cachedVerdict(key);
    if (hit) return respond(hit.decision, [...hit.reasons], hit.errors.map((e) => ({ ...e })));
    const answer = cedar.statefulIsAuthorized(call);
    if (answer.type === 'failure') {
      return respond('DENY', [], answer.errors.map((e) => ({ policyId: POLICY_SET_DIAGNOSTIC_ID, message: `request rejected: ${e.message}` })));
    }
    const errors = inPolicyOrder(policySet, answer.response.diagnostics.errors.map((e) => ({ policyId: e.policyId, message: e.error.message })));
    const { decision, reasons } = classify(policySet, answer.response.decision, answer.response.diagnostics.reason);
    if (key !== undefined) rememberVerdict(key, { decision, reasons: [...reasons], errors: errors.map((e) => ({ ...e })) });
    return respond(decision, reasons, errors);
  } catch (e) {
    // why: a WASM trap or a malformed request must fail closed, not crash the caller
    return respond('DENY', [], [{ policyId: POLICY_SET_DIAGNOSTIC_ID, message: `evaluation failed: ${e instanceof Error ? e.message : String(e)}` }]);
  }
}

/**
 * True when `request` is decided without cedar-wasm: no policy can apply, or the native evaluator
 * answers. For benchmarks and diagnostics; evaluate() itself decides either way.
 */
export function decidedNatively(policySet: CompiledPolicySet, request: PolicyRequest): boolean {
  const native = nativeFor(policySet);
  if (policySet.status !== 'ready' || !native) return false;
  try {
    const slice = policySet.slices.slice(sliceKeyOf(request));
    return slice.ids.length === 0 || native.authorize(toCedarCall(request, slice.sliceId, policySet.shape), slice.ids) !== undefined;
  } catch {
    return false;
  }
}

/** The set's native authorizer, if it has a live one compiled from the very texts it holds now. */
function nativeFor(policySet: CompiledPolicySet): NativeAuthorizer | undefined {
  const native = policySet.native;
  // why instanceof: a set copied by structured cloning keeps the field but not the methods
  return native instanceof NativeAuthorizer && native.serves(policySet.cedar) ? native : undefined;
}

function sliceKeyOf(request: PolicyRequest): SliceKey {
  const resource = resourceUid(request);
  const key: SliceKey = {
    principal: uidKey('Agent', request.principal.agentId),
    action: uidKey('Action', request.action),
    resource: uidKey(resource.type, resource.id),
    resourceType: resource.type,
  };
  if (request.action === 'call_tool' || request.action === 'list_tool') {
    const t = request.tool;
    key.toolAttrs = { name: t.name, sideEffect: t.sideEffect, riskLevel: t.riskLevel, requiredCapability: t.requiredCapability, server: t.server ?? 'builtin' };
  }
  return key;
}

function pickPolicies(policySet: CompiledPolicySet, ids: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of ids) {
    const p = policySet.cedar[id];
    if (p) out[id] = p;
  }
  return out;
}

/** why: Cedar lists errors in no fixed order; decisions are recorded and replayed, so sort by policy position. */
function inPolicyOrder(policySet: CompiledPolicySet, errors: Errors): Errors {
  const order = (id: string): number => policySet.byId.get(id)?.order ?? -1;
  return errors.sort((a, b) => order(a.policyId) - order(b.policyId));
}

/** Map Cedar's allow/deny plus its determining policies to our three-way decision. */
function classify(policySet: CompiledPolicySet, cedarDecision: 'allow' | 'deny', determining: readonly string[]): { decision: Decision; reasons: string[] } {
  const ordered = [...determining].sort((a, b) => (policySet.byId.get(a)?.order ?? 0) - (policySet.byId.get(b)?.order ?? 0));
  // Cedar deny: its reasons are the satisfied plain forbids (approval forbids run as permits)
  if (cedarDecision === 'deny') return { decision: 'DENY', reasons: ordered };
  const gates: string[] = [];
  const approvalPermits: string[] = [];
  const plainPermits: string[] = [];
  for (const id of ordered) {
    const meta = policySet.byId.get(id);
    if (meta?.effect === 'forbid') gates.push(id);
    else if (meta?.approval) approvalPermits.push(id);
    else plainPermits.push(id);
  }
  // INVARIANT: an approval forbid alone never permits; a real permit must also be satisfied
  if (plainPermits.length === 0 && approvalPermits.length === 0) return { decision: 'DENY', reasons: [] };
  if (gates.length > 0) {
    const asking = plainPermits.length === 0 ? new Set([...gates, ...approvalPermits]) : new Set(gates);
    return { decision: 'REQUIRE_APPROVAL', reasons: ordered.filter((id) => asking.has(id)) };
  }
  if (plainPermits.length === 0) return { decision: 'REQUIRE_APPROVAL', reasons: approvalPermits };
  return { decision: 'ALLOW', reasons: plainPermits };
}
