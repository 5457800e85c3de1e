/** @module Turn a policy response into reasons in words: the `@reason` texts of the deciding policies. */
import type { CompiledPolicySet } from '../policy/index.js';
import { POLICY_SET_DIAGNOSTIC_ID } from '../policy/index.js';
import type { DecisionReason, PolicyResponse } from '../types.js';

const CODE_BY_DECISION = { ALLOW: 'POLICY_PERMIT', DENY: 'POLICY_FORBID', REQUIRE_APPROVAL: 'POLICY_APPROVAL' } as const;

export function policyReasons(policySet: CompiledPolicySet, response: PolicyResponse): DecisionReason[] {
  const { reasons: ids, errors } = response.diagnostics;
  const out: DecisionReason[] = ids.map((id) => ({
    code: CODE_BY_DECISION[response.decision],
    message: policySet.byId.get(id)?.reason ?? `policy \`${id}\` applies`,
    policyId: id,
  }));
  if (response.decision === 'DENY' && ids.length === 0) {
    const broken = errors.some((e) => e.policyId === POLICY_SET_DIAGNOSTIC_ID);
    out.push(broken
      ? { code: 'POLICY_SET_INVALID', message: 'the policy set could not be used, so every call is denied' }
      : { code: 'NO_PERMIT', message: 'no policy permits this call' });
  }
  for (const e of errors) {
    out.push({ code: 'POLICY_ERROR', message: e.policyId === POLICY_SET_DIAGNOSTIC_ID ? e.message : `policy \`${e.policyId}\` was skipped: ${e.message}`, ...(e.policyId === POLICY_SET_DIAGNOSTIC_ID ? {} : { policyId: e.policyId }) });
  }
  return out;
}
