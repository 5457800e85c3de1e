/** @module Result types of capability and argument validation. */
import type { DecisionReason, ToolDefinition } from '../types.js';

export type CapabilityCode =
  | 'UNKNOWN_TOOL'
  | 'MISSING_CAPABILITY'
  | 'ARGS_SCHEMA'
  | 'OVERSIZED_STRING'
  | 'PATH_TRAVERSAL'
  | 'URL_NOT_ALLOWED'
  | 'TOO_DEEP';

export interface CapabilityReason extends DecisionReason {
  code: CapabilityCode;
}

export type CapabilityResult = { ok: true } | { ok: false; reasons: CapabilityReason[] };

export interface ToolCallInput {
  tool?: ToolDefinition;
  toolName: string;
  args: unknown;
  identity: { capabilities: readonly string[] };
}

export const reason = (code: CapabilityCode, message: string): CapabilityReason => ({ code, message });
