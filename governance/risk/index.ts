/** @module governance/risk: explainable, monotonic risk scoring and decision explanations. */
export { assessRisk, riskLevelFor, scoreRisk } from './assess.js';
export { explainDecision } from './explain.js';
export { toolFactors, taintFactors, injectionFactors, contextFactors } from './factors.js';
export type { RiskInput } from './factors.js';
