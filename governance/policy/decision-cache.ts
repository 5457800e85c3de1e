/**
 * @module A bounded cache of Cedar verdicts keyed by the exact request Cedar receives. Sound by
 * construction: the WASM binding itself consumes `JSON.stringify(call)`, and the call names the
 * preparsed policy set (version and slice), so an equal key means an equal Cedar input and Cedar is
 * deterministic. Requests are trimmed to what the policies read (request.ts), which makes repeats
 * common: the same agent calling the same tool with the same risk level and trust.
 */
import type { Decision, PolicyDiagnostics } from '../types.js';

export interface Verdict {
  decision: Decision;
  reasons: readonly string[];
  errors: readonly PolicyDiagnostics['errors'][number][];
}

const MAX_ENTRIES = 10_000;
const verdicts = new Map<string, Verdict>();

export function cachedVerdict(key: string): Verdict | undefined {
  return verdicts.get(key);
}

export function rememberVerdict(key: string, verdict: Verdict): void {
  // why clear instead of LRU: O(1), and a refill costs one Cedar call per distinct request
  if (verdicts.size >= MAX_ENTRIES) verdicts.clear();
  verdicts.set(key, verdict);
}

/** Forget every cached verdict (for benchmarks measuring Cedar itself). */
export function clearDecisionCache(): void {
  verdicts.clear();
}
