/** @module assessStep: capability, schema, provenance, injection signals, risk and Cedar, for one plan step. */
export { assessStep, budgetDenies } from './assess.js';
export { policyReasons } from './reasons.js';
export type { AssessStepDeps, AssessStepInput } from './types.js';
