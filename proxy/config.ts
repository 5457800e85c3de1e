/**
 * @module The proxy's governance file (`--tools FILE`): which upstream servers are known, how each of
 * their tools maps onto a ToolDefinition (capability, risk, side effect, cost) and the local budget.
 * A server or tool missing here is denied: the proxy never guesses what a tool does.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InterceptorError } from '../lib/errors.js';
import { parseOrFail } from '../lib/validation.js';
import { RISK_LEVELS, SIDE_EFFECTS } from '../governance/types.js';

export const ToolMappingSchema = z.strictObject({
  requiredCapability: z.string().min(1).max(128),
  riskLevel: z.enum(RISK_LEVELS),
  sideEffect: z.enum(SIDE_EFFECTS),
  costUsd: z.number().min(0).default(0),
  pathArgs: z.array(z.string()).default([]),
  urlArgs: z.array(z.string()).default([]),
  urlAllowlist: z.array(z.string()).default([]),
});
export type ToolMapping = z.infer<typeof ToolMappingSchema>;

export const ServerMappingSchema = z.strictObject({
  /** Tool name → mapping; `*` maps every tool the server has not named (an explicit admin choice). */
  tools: z.record(z.string().min(1), ToolMappingSchema).default({}),
});

export const ProxyGovernanceSchema = z.strictObject({
  servers: z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must use letters, digits, `_`, `.` or `-`'), ServerMappingSchema).default({}),
  budget: z
    .strictObject({ callsPerDay: z.number().int().min(0).optional(), costUsdPerDay: z.number().min(0).optional() })
    .default({}),
});
export type ProxyGovernance = z.infer<typeof ProxyGovernanceSchema>;

/** Read and validate a governance file; throws BAD_USER_INPUT naming the field, or NOT_FOUND. */
export async function loadGovernanceFile(path: string): Promise<ProxyGovernance> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InterceptorError('NOT_FOUND', `cannot read tools file \`${path}\``, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new InterceptorError('BAD_USER_INPUT', `tools file \`${path}\` is not valid JSON`, { cause });
  }
  return parseOrFail(ProxyGovernanceSchema, json, `tools file \`${path}\``);
}

/** The mapping of one upstream tool, or undefined when the server or tool is not configured. */
export function mappingFor(gov: ProxyGovernance, server: string, tool: string): ToolMapping | undefined {
  const s = Object.hasOwn(gov.servers, server) ? gov.servers[server] : undefined;
  if (!s) return undefined;
  if (Object.hasOwn(s.tools, tool)) return s.tools[tool];
  return Object.hasOwn(s.tools, '*') ? s.tools['*'] : undefined;
}

export function isKnownServer(gov: ProxyGovernance, server: string): boolean {
  return Object.hasOwn(gov.servers, server);
}
