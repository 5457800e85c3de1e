/**
 * @module Capability and argument validation of one tool call, before any policy runs: the tool
 * must be registered, the agent must hold its capability, and the arguments must fit the schema,
 * the size limits, and the path and URL rules the tool declares.
 */
import { ToolDefinitionSchema, type ToolDefinition } from '../types.js';
import { parseOrFail } from '../../lib/validation.js';
import { InterceptorError } from '../../lib/errors.js';
import { checkLimits, MAX_ARGS_DEPTH, pointerEscape, stringsIn } from './limits.js';
import { pathProblem } from './paths.js';
import { describeAjvError, validatorFor } from './schema-cache.js';
import { reason, type CapabilityReason, type CapabilityResult, type ToolCallInput } from './types.js';
import { urlProblem } from './urls.js';

/** Check one call; reasons name every problem found (all of them, except after UNKNOWN_TOOL or TOO_DEEP). */
export function validateToolCall(input: ToolCallInput): CapabilityResult {
  const { tool, toolName, args, identity } = input;
  if (!tool || tool.name !== toolName) return fail([reason('UNKNOWN_TOOL', `the tool \`${toolName}\` is not registered`)]);
  const reasons: CapabilityReason[] = [];
  if (!identity.capabilities.includes(tool.requiredCapability)) {
    reasons.push(reason('MISSING_CAPABILITY', `the agent lacks the capability \`${tool.requiredCapability}\` that \`${tool.name}\` requires`));
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    return fail([...reasons, reason('ARGS_SCHEMA', '`/`: arguments must be an object')]);
  }
  const limits = checkLimits(args, tool.maxStringLength);
  const tooDeep = limits.find((p) => p.kind === 'too_deep');
  if (tooDeep) return fail([...reasons, reason('TOO_DEEP', `\`${tooDeep.path}\`: arguments are nested deeper than ${MAX_ARGS_DEPTH} levels`)]);
  for (const p of limits) {
    if (p.kind === 'oversized') reasons.push(reason('OVERSIZED_STRING', `\`${p.path}\`: string of ${p.length} characters exceeds the limit of ${tool.maxStringLength}`));
  }
  reasons.push(...schemaReasons(tool, args), ...pathReasons(tool, args as Record<string, unknown>), ...urlReasons(tool, args as Record<string, unknown>));
  return reasons.length === 0 ? { ok: true } : fail(reasons);
}

function fail(reasons: CapabilityReason[]): CapabilityResult {
  return { ok: false, reasons };
}

function schemaReasons(tool: ToolDefinition, args: object): CapabilityReason[] {
  const validate = validatorFor(tool.name, tool.argsSchema);
  if (validate(args)) return [];
  return (validate.errors ?? []).map((e) => reason('ARGS_SCHEMA', describeAjvError(e)));
}

function pathReasons(tool: ToolDefinition, args: Record<string, unknown>): CapabilityReason[] {
  const out: CapabilityReason[] = [];
  for (const name of tool.pathArgs) {
    if (!Object.hasOwn(args, name)) continue;
    for (const s of stringsIn(args[name], `/${pointerEscape(name)}`)) {
      const problem = pathProblem(s.value);
      if (problem) out.push(reason('PATH_TRAVERSAL', `\`${s.path}\`: path \`${s.value.slice(0, 120)}\` ${problem}`));
    }
  }
  return out;
}

function urlReasons(tool: ToolDefinition, args: Record<string, unknown>): CapabilityReason[] {
  const out: CapabilityReason[] = [];
  for (const name of tool.urlArgs) {
    if (!Object.hasOwn(args, name)) continue;
    for (const s of stringsIn(args[name], `/${pointerEscape(name)}`)) {
      const problem = urlProblem(s.value, tool.urlAllowlist);
      if (problem) out.push(reason('URL_NOT_ALLOWED', `\`${s.path}\`: URL \`${s.value.slice(0, 200)}\` ${problem}`));
    }
  }
  return out;
}

/**
 * Validate a tool definition for registration: the fields (zod) and the argument schema, which
 * must compile. Throws BAD_USER_INPUT naming the problem; returns the parsed definition.
 */
export function validateToolDefinition(def: unknown): ToolDefinition {
  const tool = parseOrFail(ToolDefinitionSchema, def, 'tool definition');
  try {
    validatorFor(tool.name, tool.argsSchema);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new InterceptorError('BAD_USER_INPUT', `invalid tool definition: \`argsSchema\`: ${message}`, { issues: [{ path: 'argsSchema', message }] });
  }
  for (const entry of tool.urlAllowlist) {
    if (urlProblem(entry, [entry]) !== undefined) {
      throw new InterceptorError('BAD_USER_INPUT', `invalid tool definition: \`urlAllowlist\`: \`${entry}\` is not an http(s) URL prefix`, { issues: [{ path: 'urlAllowlist', message: 'must be http(s) URL prefixes' }] });
    }
  }
  return tool;
}
