/**
 * @module The policy a what-if or drift report runs under: a stored version of the tenant (NOT_FOUND
 * otherwise) or draft Cedar (BAD_USER_INPUT with line and column when it does not compile), plus the
 * tenant's current tool definitions.
 */
import { compilePolicySet, type CompiledPolicySet } from '../../../governance/policy/index.js';
import type { ToolDefinition } from '../../../governance/types.js';
import { InterceptorError } from '../../../lib/errors.js';
import { notFound } from '../../access.js';
import type { ServiceDeps } from '../deps.js';
import type { PolicySource } from './inputs.js';

export interface ResolvedPolicy {
  compiled: CompiledPolicySet;
  /** What the client sees in `policy`: where the set came from and its content version. */
  describe: { source: 'policySet' | 'draft'; version: string; policySetId?: string; policies: string[] };
}

/** Compile a policy set's text; a set that does not compile is a BAD_USER_INPUT on `field`. */
export function compileOrFail(text: string, field: string): CompiledPolicySet {
  const c = compilePolicySet(text);
  if (c.ok) return c.policySet;
  const first = c.errors[0];
  throw new InterceptorError('BAD_USER_INPUT', `invalid \`${field}\`: ${first?.message ?? 'the policy set does not compile'}`, {
    issues: c.errors.map((e) => ({ path: `${field}:${e.line}:${e.column}`, message: e.message })),
  });
}

export async function resolvePolicy(deps: ServiceDeps, tenant: string, source: PolicySource): Promise<ResolvedPolicy> {
  if (source.cedar !== undefined) {
    const compiled = compileOrFail(source.cedar, 'cedar');
    return { compiled, describe: { source: 'draft', version: compiled.version, policies: compiled.policies.map((p) => p.id) } };
  }
  const row = (await deps.store.listPolicySets(deps.store.pool, tenant)).find((p) => p.version === source.policySetId);
  if (!row) throw notFound('policy set', source.policySetId);
  const compiled = compileOrFail(row.cedar, 'policySetId');
  return { compiled, describe: { source: 'policySet', policySetId: row.version, version: compiled.version, policies: compiled.policies.map((p) => p.id) } };
}

/** The tenant's tool definitions as decisions see them today (what-if flags tools that changed since). */
export async function toolMap(deps: ServiceDeps, tenant: string): Promise<Map<string, ToolDefinition>> {
  return new Map((await deps.store.listTools(deps.store.pool, tenant)).map((t) => [t.name, t.definition]));
}
