/** @module what-if: recorded decisions re-made under another policy set, for one task or many. */
export { whatIf } from './what-if.js';
export { policyDriftReport } from './drift.js';
export type { DriftExample, DriftGroup, DriftReport, WhatIfResult, WhatIfSide, WhatIfStep } from './types.js';
