/** @module diff: compare two replay records step by step, with argument changes as JSON pointers. */
export { diffRecords } from './diff.js';
export { diffToMarkdown } from './markdown.js';
export { jsonDiff, pointerToken } from './pointer.js';
export { alignSteps } from './align.js';
export type { Alignment, Pair } from './align.js';
export type { ValueChange } from './pointer.js';
export type { DecisionSide, ReplayDiff, StepChange, StepRef } from './types.js';
