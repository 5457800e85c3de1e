/** @module governance/provenance: argument trust, taint propagation and instruction-like content detection. */
export { resolveStepProvenance, resolvePlanProvenance } from './taint.js';
export type { ResolveProvenanceOptions } from './taint.js';
export { detectInstructionLikeContent, scanArgs, INJECTION_LIMITS } from './injection.js';
export { normaliseForMatching } from './normalise.js';
export type { NormalisedText } from './normalise.js';
export { trustRank, lowestTrust, isTainting } from './trust.js';
export type { StepProvenance, ArgumentProvenance, InjectionSignal } from './types.js';
