/** @module Native (TypeScript) Cedar evaluation for the hot path; cedar-wasm stays the authority. */
export { NativeAuthorizer } from './engine.js';
export type { NativeSource, NativeVerdict } from './engine.js';
