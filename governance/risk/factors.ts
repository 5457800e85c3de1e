/** @module The individual risk factors. Each returns factors with non-negative weights, so the sum is monotonic. */
import type { RiskFactor, ToolDefinition } from '../types.js';
import type { InjectionSignal, StepProvenance } from '../provenance/types.js';
import { isTainting, trustRank } from '../provenance/trust.js';

export interface RiskInput {
  tool?: ToolDefinition;
  /** Name to show when the tool is not registered. */
  toolName?: string;
  /** The step's arguments. Their content reaches the score through `injectionSignals` (from scanArgs) and their origin through `provenance`. */
  args: Record<string, unknown>;
  provenance: StepProvenance;
  injectionSignals: InjectionSignal[];
  budget?: { fractionUsed: number };
  delegationDepth: number;
  unknownTool?: boolean;
}

const TOOL_LEVEL_WEIGHT = { low: 0, medium: 10, high: 25, critical: 40 } as const;
const SIDE_EFFECT_WEIGHT = { read: 0, write: 10, external: 20, irreversible: 30 } as const;
const SIDE_EFFECT_WORDS = { read: 'only reads', write: 'writes data', external: 'has external side effects', irreversible: 'has irreversible side effects' } as const;
const HIDDEN_CODES = new Set(['zero_width', 'bidi_control', 'tag_characters', 'variation_selectors', 'base64_blob', 'html_comment', 'scan_truncated']);

const name = (input: RiskInput): string => input.tool?.name ?? input.toolName ?? 'unnamed';

export function toolFactors(input: RiskInput): RiskFactor[] {
  const out: RiskFactor[] = [];
  if (input.unknownTool || !input.tool) {
    // why the worst case: an unregistered tool could be a critical, irreversible one; it must never score below one.
    out.push({ code: 'UNKNOWN_TOOL', weight: TOOL_LEVEL_WEIGHT.critical + SIDE_EFFECT_WEIGHT.irreversible, explanation: `the tool \`${name(input)}\` is not registered, so its side effects are unknown` });
  }
  const tool = input.tool;
  if (!tool) return out;
  const level = TOOL_LEVEL_WEIGHT[tool.riskLevel];
  if (level > 0) out.push({ code: 'TOOL_RISK_LEVEL', weight: level, explanation: `the tool \`${tool.name}\` is registered as ${tool.riskLevel} risk` });
  const effect = SIDE_EFFECT_WEIGHT[tool.sideEffect];
  if (effect > 0) out.push({ code: 'SIDE_EFFECT', weight: effect, explanation: `the tool \`${tool.name}\` ${SIDE_EFFECT_WORDS[tool.sideEffect]}` });
  return out;
}

function argumentFactor(arg: string, p: StepProvenance['args'][string]): RiskFactor[] {
  const out: RiskFactor[] = [];
  if (isTainting(p.effectiveTrust)) {
    const untrusted = p.effectiveTrust === 'untrusted';
    const steps = p.derivedFrom.map((s) => `\`${s}\``).join(', ');
    const explanation = isTainting(p.trust)
      ? `argument \`${arg}\` comes from \`${p.source}\`, which is ${p.trust}`
      : `argument \`${arg}\` derives from ${p.effectiveTrust} tool output of step ${steps}`;
    out.push({ code: untrusted ? 'UNTRUSTED_ARGUMENT' : 'EXTERNAL_ARGUMENT', weight: untrusted ? 10 : 5, explanation });
  }
  if (trustRank(p.effectiveTrust) > trustRank(p.trust)) {
    // why weight 0: the risk is already counted through the effective trust above; a positive weight
    // here would make declaring *lower* trust lower the score, breaking monotonicity.
    out.push({
      code: 'TRUST_DOWNGRADED',
      weight: 0,
      explanation: `argument \`${arg}\` is declared \`${p.trust}\` but derives from step ${p.derivedFrom.map((s) => `\`${s}\``).join(', ')}, so it is treated as \`${p.effectiveTrust}\``,
    });
  }
  return out;
}

export function taintFactors(input: RiskInput): RiskFactor[] {
  const { provenance } = input;
  const out: RiskFactor[] = [];
  if (provenance.tainted) {
    const sources = provenance.taintSources.slice(0, 5).map((s) => `\`${s}\``).join(', ');
    out.push({ code: 'TAINTED_INPUT', weight: 15, explanation: `the step consumes data from untrusted or external sources: ${sources}` });
  }
  for (const arg of Object.keys(provenance.args).sort()) out.push(...argumentFactor(arg, provenance.args[arg]!));
  const sink = !input.tool || input.unknownTool || input.tool.sideEffect === 'external' || input.tool.sideEffect === 'irreversible';
  const anyUntrustedArg = Object.values(provenance.args).some((a) => isTainting(a.effectiveTrust));
  if (sink && (provenance.tainted || anyUntrustedArg)) {
    out.push({ code: 'TAINTED_SINK', weight: 20, explanation: `untrusted data reaches \`${name(input)}\`, a tool whose effects leave the system or cannot be undone` });
  }
  return out;
}

/** One factor per (argument, signal code): repeated matches of a rule do not stack, different rules do. */
export function injectionFactors(input: RiskInput): RiskFactor[] {
  const groups = new Map<string, InjectionSignal>();
  for (const s of input.injectionSignals) {
    const key = `${s.path ?? ''}\u0000${s.code}`;
    const seen = groups.get(key);
    if (!seen || s.weight > seen.weight) groups.set(key, s);
  }
  const out = [...groups.values()].map((s): RiskFactor => {
    const where = s.path ? `argument \`${s.path}\`` : 'the arguments';
    const what = HIDDEN_CODES.has(s.code) ? 'hidden content' : 'instruction-like content';
    return { code: `INJECTION_${s.code.toUpperCase()}`, weight: Math.max(0, s.weight), explanation: `${what} found in ${where}: \`${s.excerpt.replace(/`/g, "'")}\`` };
  });
  if (out.length > 0 && input.provenance.tainted) {
    out.push({ code: 'INJECTION_IN_UNTRUSTED_DATA', weight: 15, explanation: 'instruction-like content arrives through untrusted data, the usual shape of a prompt injection' });
  }
  return out;
}

export function contextFactors(input: RiskInput): RiskFactor[] {
  const out: RiskFactor[] = [];
  const used = input.budget?.fractionUsed ?? 0;
  const pct = Math.round(used * 100);
  if (used >= 1) out.push({ code: 'BUDGET_EXHAUSTED', weight: 30, explanation: `the budget is exhausted (${pct}% used)` });
  else if (used >= 0.9) out.push({ code: 'BUDGET_NEARLY_EXHAUSTED', weight: 20, explanation: `the budget is nearly exhausted (${pct}% used)` });
  else if (used >= 0.75) out.push({ code: 'BUDGET_HIGH_USE', weight: 10, explanation: `most of the budget is used (${pct}% used)` });
  if (input.delegationDepth >= 2) {
    out.push({ code: 'DELEGATION_DEPTH', weight: Math.min(20, 5 * (input.delegationDepth - 1)), explanation: `the agent acts through ${input.delegationDepth} levels of delegation` });
  }
  return out;
}
