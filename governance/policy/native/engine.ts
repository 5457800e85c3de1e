/**
 * @module The native Cedar authorizer: the compiled policies of one set, evaluated in TypeScript.
 * It answers only when it is sure. A request it cannot represent exactly, or any policy whose
 * condition errors, yields `undefined` and the caller asks cedar-wasm, which then also supplies
 * Cedar's exact error diagnostics. Decisions otherwise follow Cedar: a satisfied forbid denies
 * (its reasons are the satisfied forbids), else a satisfied permit allows (the satisfied permits),
 * else deny with no reasons.
 */
import type { PolicyJson, StatefulAuthorizationCall } from '../cedar.js';
import { decodeCall } from './decode.js';
import { UnsupportedConstruct } from './expr.js';
import { compilePolicy, type NativePolicy } from './policy.js';

export interface NativeVerdict {
  decision: 'allow' | 'deny';
  /** Satisfied policies that determine the decision, in candidate order. */
  determining: string[];
}

export interface NativeSource {
  id: string;
  effect: 'permit' | 'forbid';
  json: PolicyJson;
}

export class NativeAuthorizer {
  // why keyed by the ids array: SliceIndex memoises one array per slice, so this is one lookup
  private readonly candidates = new WeakMap<readonly string[], NativePolicy[]>();

  /**
   * `source`: the object holding the Cedar texts these closures were compiled from. why: a set whose
   * texts were swapped after compilation must not be decided by stale closures (see `serves`).
   */
  private constructor(private readonly byId: ReadonlyMap<string, NativePolicy>, private readonly source: object) {}

  /** Compile every policy, or say which construct keeps the set on cedar-wasm. */
  static compile(sources: readonly NativeSource[], texts: object): NativeAuthorizer | { unsupported: string; policyId: string } {
    const byId = new Map<string, NativePolicy>();
    for (const s of sources) {
      try {
        byId.set(s.id, compilePolicy(s.id, s.effect, s.json));
      } catch (e) {
        // why every exception: compilePolicySet must not throw, and any doubt keeps the set on cedar-wasm
        const message = e instanceof UnsupportedConstruct ? e.message : `cannot compile: ${e instanceof Error ? e.message : String(e)}`;
        return { unsupported: message, policyId: s.id };
      }
    }
    return new NativeAuthorizer(byId, texts);
  }

  /** True when `texts` is the very object this authorizer was compiled from. */
  serves(texts: object): boolean {
    return texts === this.source;
  }

  /** Decide `call` with the policies `ids`; undefined means "ask cedar-wasm". */
  authorize(call: StatefulAuthorizationCall, ids: readonly string[]): NativeVerdict | undefined {
    const policies = this.policiesFor(ids);
    if (policies === undefined) return undefined;
    const permits: string[] = [];
    const forbids: string[] = [];
    try {
      const env = decodeCall(call);
      for (const p of policies) {
        if (!p.satisfied(env)) continue;
        if (p.effect === 'forbid') forbids.push(p.id);
        else permits.push(p.id);
      }
    } catch {
      // why every exception: an evaluation error needs Cedar's own diagnostics, NeedsCedar needs
      // Cedar's reading of the request, and anything else is doubt; cedar-wasm decides all three
      return undefined;
    }
    if (forbids.length > 0) return { decision: 'deny', determining: forbids };
    if (permits.length > 0) return { decision: 'allow', determining: permits };
    return { decision: 'deny', determining: [] };
  }

  private policiesFor(ids: readonly string[]): NativePolicy[] | undefined {
    const hit = this.candidates.get(ids);
    if (hit) return hit;
    const list: NativePolicy[] = [];
    for (const id of ids) {
      const p = this.byId.get(id);
      if (!p) return undefined;
      list.push(p);
    }
    this.candidates.set(ids, list);
    return list;
  }
}
