/** @module Capability and argument validation of tool calls, and tool registration checks. */
export { validateToolCall, validateToolDefinition } from './validate.js';
export { closeSchema } from './schema-cache.js';
export { pathProblem } from './paths.js';
export { urlProblem } from './urls.js';
export { MAX_ARGS_DEPTH } from './limits.js';
export type { CapabilityCode, CapabilityReason, CapabilityResult, ToolCallInput } from './types.js';
