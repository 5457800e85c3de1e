/**
 * @module Realistic policy sets for the policy benchmark. Composition of a set of N policies: the
 * default pack (11 policies), then per-tool rules (60%: permits for tool-specific capabilities,
 * approval gates on arguments, forbids on risk), per-agent rules (30%: allow lists and blocks for
 * one agent), and global rules (10%, at most 10 + 2% of N: time, budget and trust conditions).
 * why global rules do not grow with N: in real deployments they are a short common core; the bulk
 * of a large set names a tool or an agent.
 */
import { DEMO_TOOLS } from '../../policies/demo-tools.js';

export const AGENTS = Array.from({ length: 20 }, (_, i) => `agent-${i}`);
export const TOOL_NAMES = [...DEMO_TOOLS.map((t) => t.name), ...Array.from({ length: 45 }, (_, i) => `tool-${i}`)];

const toolRule = (i: number): string => {
  const tool = TOOL_NAMES[i % TOOL_NAMES.length]!;
  switch (i % 4) {
    case 0:
      return `@id("t${i}-permit") @reason("team capability for ${tool}")\npermit (principal is Agent, action == Action::"call_tool", resource == Tool::"${tool}")\nwhen { principal.capabilities.contains("team-${i % 7}:${tool}") };`;
    case 1:
      return `@id("t${i}-gate") @decision("require_approval") @reason("${tool} needs review above score ${40 + (i % 50)}")\nforbid (principal, action == Action::"call_tool", resource is Tool)\nwhen { resource.name == "${tool}" && context.risk.score > ${40 + (i % 50)} };`;
    case 2:
      return `@id("t${i}-arg") @reason("${tool} may not touch restricted targets")\nforbid (principal, action == Action::"call_tool", resource == Tool::"${tool}")\nwhen { context.argStrings.contains("restricted-${i}") || context.urlHosts.contains("blocked-${i}.example") };`;
    default:
      return `@id("t${i}-trust") @reason("${tool} needs trusted inputs")\nforbid (principal, action == Action::"call_tool", resource is Tool)\nwhen { resource.name == "${tool}" && context.trustRank < 1 && context.tainted };`;
  }
};

const agentRule = (i: number): string => {
  const agent = AGENTS[i % AGENTS.length]!;
  return i % 2 === 0
    ? `@id("a${i}-block") @reason("${agent} may not use tool-${i % 45}")\nforbid (principal == Agent::"${agent}", action == Action::"call_tool", resource == Tool::"tool-${i % 45}");`
    : `@id("a${i}-hours") @reason("${agent} works office hours")\nforbid (principal == Agent::"${agent}", action == Action::"call_tool", resource)\nunless { context.time.hourUtc >= ${i % 6} && context.time.hourUtc < ${18 + (i % 6)} };`;
};

const globalRule = (i: number): string => {
  switch (i % 3) {
    case 0:
      return `@id("g${i}-budget") @reason("budget nearly spent")\n@decision("require_approval")\nforbid (principal, action == Action::"call_tool", resource is Tool)\nwhen { context.budget.fractionUsed > ${90 + (i % 10)} && resource.sideEffect != "read" };`;
    case 1:
      return `@id("g${i}-weekend") @reason("no irreversible actions at weekends")\nforbid (principal, action == Action::"call_tool", resource is Tool)\nwhen { resource.sideEffect == "irreversible" && (context.time.dayOfWeek == 0 || context.time.dayOfWeek == 6) };`;
    default:
      return `@id("g${i}-sources") @reason("unknown retrieval source")\nforbid (principal, action == Action::"call_tool", resource is Tool)\nwhen { context.taintSources.contains("retrieval:blocked-${i}") };`;
  }
};

/** A policy set of exactly `n` policies (n ≥ 1); `pack` is the default pack's text. */
export function generatePolicySet(n: number, pack: string): string {
  if (n === 1) return '@id("cap") permit (principal is Agent, action == Action::"call_tool", resource is Tool)\nwhen { principal.capabilities.contains(resource.requiredCapability) };\n';
  const packCount = (pack.match(/@id\(/g) ?? []).length;
  const rest = Math.max(0, n - packCount);
  const globals = Math.min(Math.round(rest * 0.1), 10 + Math.floor(n * 0.02));
  const agents = Math.round(rest * 0.3);
  const tools = rest - globals - agents;
  const parts = [pack];
  for (let i = 0; i < tools; i++) parts.push(toolRule(i));
  for (let i = 0; i < agents; i++) parts.push(agentRule(i));
  for (let i = 0; i < globals; i++) parts.push(globalRule(i));
  return `${parts.join('\n\n')}\n`;
}
