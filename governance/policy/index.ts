/** @module Cedar policy engine: compile policy sets at publish time, decide tool calls at run time. */
export { compilePolicySet, loadPolicySet, failClosedPolicySet, normalisePolicyText, policySetVersion, MAX_POLICY_TEXT } from './compile.js';
export { decidedNatively, evaluate, POLICY_SET_DIAGNOSTIC_ID } from './evaluate.js';
export type { EvaluateOptions } from './evaluate.js';
export { clearDecisionCache } from './decision-cache.js';
export { POLICY_SCHEMA, POLICY_ACTIONS } from './schema.js';
export { TRUST_RANK } from './request.js';
export { argFacts } from './arg-facts.js';
export type { ArgFacts } from './arg-facts.js';
export type {
  CallFacts,
  CompileOptions,
  CompileResult,
  CompiledPolicySet,
  PolicyAction,
  PolicyError,
  PolicyErrorCode,
  PolicyMeta,
  PolicyPrincipal,
  PolicyRequest,
  PolicyTool,
} from './types.js';
