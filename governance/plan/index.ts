/** @module governance/plan: extract an ExecutionPlan from agent output and reason about its dependency graph. */
export { extractPlan } from './extract.js';
export type { ExtractPlanInput } from './extract.js';
export { topologicalOrder, dependantsOf, validateGraph, ancestorsOf } from './dag.js';
export type { GraphStep } from './dag.js';
export { PLAN_LIMITS } from './limits.js';
export { AGENT_PROVENANCE, findStepReferences } from './references.js';
export type { StepReference } from './references.js';
export { detectShapes } from './formats/detect.js';
