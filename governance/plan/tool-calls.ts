/** @module Turning the tool calls of one model turn into plan steps. */
import { StepIdSchema, ToolNameSchema } from '../types.js';
import { parseJsonDocument, JsonSyntaxError } from './strict-json.js';
import { childPath, failAt, quote } from './issues.js';
import { PLAN_LIMITS } from './limits.js';

/** One tool call as a model emitted it, with the path it was found at (for error messages). */
export interface ToolCall {
  id: string | undefined;
  name: unknown;
  args: Record<string, unknown>;
  /** Path of the call inside the payload, e.g. `choices[0].message.tool_calls[1]`. */
  path: string;
  /** Field under `path` that holds the tool name, e.g. `function.name`. */
  namePath: string;
}

/** A step before dependency validation and provenance: what every format produces. */
export interface DraftStep {
  stepId: string;
  tool: string;
  args: Record<string, unknown>;
  dependsOn: string[];
  provenance: Record<string, { source: string; trust: string; derivedFrom: string[] }>;
  rationale?: string;
  /** Path of the step inside the payload, for error messages. */
  path: string;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse a JSON-encoded arguments string; anything but a JSON object is an error, never a guess. */
export function parseArguments(raw: unknown, path: string): Record<string, unknown> {
  if (typeof raw !== 'string') failAt(path, 'must be a JSON string holding an object');
  let value: unknown;
  try {
    value = parseJsonDocument(raw, PLAN_LIMITS.maxArgsDepth);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    if (e.message.startsWith('JSON nesting')) failAt(path, `arguments nest deeper than ${PLAN_LIMITS.maxArgsDepth}`, { limit: 'maxArgsDepth' });
    failAt(path, `is not valid JSON at character ${e.index + 1}: ${e.message}`);
  }
  if (!isRecord(value)) failAt(path, 'must encode a JSON object');
  return value;
}

/** Make a call id usable as a step id: disallowed characters become `_`. */
export function sanitiseStepId(id: string | undefined, position: number): string {
  const cleaned = (id ?? '').replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 128);
  return StepIdSchema.safeParse(cleaned).success ? cleaned : `step-${position + 1}`;
}

/** Convert the calls of one turn into independent steps (no dependsOn: one turn's calls run in parallel). */
export function stepsFromToolCalls(calls: ToolCall[]): DraftStep[] {
  const byId = new Map<string, string>();
  return calls.map((call, i) => {
    const nameAt = childPath(call.path, call.namePath);
    if (typeof call.name !== 'string') failAt(nameAt, 'must be a string naming the tool');
    const tool = ToolNameSchema.safeParse(call.name);
    if (!tool.success) failAt(nameAt, `tool name ${quote(call.name)} ${tool.error.issues[0]?.message ?? 'is invalid'}`);
    const stepId = sanitiseStepId(call.id, i);
    const clash = byId.get(stepId);
    if (clash !== undefined) failAt(call.path, `call id gives step id ${quote(stepId)}, already used by \`${clash}\``);
    byId.set(stepId, call.path);
    return { stepId, tool: tool.data, args: call.args, dependsOn: [], provenance: {}, path: call.path };
  });
}
