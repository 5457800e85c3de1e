/**
 * @module The active policy set of a tenant, compiled once per version. A tenant without a policy
 * set, or with one that fails to compile, gets a fail-closed set that denies everything.
 */
import { failClosedPolicySet, loadPolicySet, type CompiledPolicySet } from '../governance/policy/index.js';
import { getActivePolicySet } from '../db/queries/policy-sets.js';
import type { Queryable } from '../db/pool.js';

const MAX_CACHED = 64;

export class PolicyCache {
  private readonly compiled = new Map<string, CompiledPolicySet>();

  /** The compiled set for a version and text (cached by version, which is the text's content hash). */
  compile(version: string, text: string): CompiledPolicySet {
    const hit = this.compiled.get(version);
    if (hit) return hit;
    const set = loadPolicySet(text);
    if (this.compiled.size >= MAX_CACHED) this.compiled.delete(this.compiled.keys().next().value!);
    this.compiled.set(version, set);
    return set;
  }

  async active(db: Queryable, tenant: string): Promise<CompiledPolicySet> {
    const row = await getActivePolicySet(db, tenant);
    if (!row) {
      return failClosedPolicySet('none', [{ code: 'SCHEMA', message: `tenant \`${tenant}\` has no active policy set`, line: 1, column: 1 }]);
    }
    return this.compile(row.version, row.cedar);
  }
}
