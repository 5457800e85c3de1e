/**
 * @module Preparsed policy sets, cached inside the Cedar WASM instance by id. why: parsing
 * policies on every decision dominates its cost; preparsing once per version (and per slice, see
 * slices.ts) makes a decision cost only the evaluation itself.
 */
import { cedar } from './cedar.js';

// INVARIANT: an id names one fixed list of policies (a version, or a version plus a digest of the
// slice's policy ids), so one preparse per id per process is enough.
const preparsed = new Set<string>();

/** Make sure Cedar holds `policies` under `id`; returns error messages, empty on success. */
export function ensurePreparsed(id: string, policies: Readonly<Record<string, string>>): string[] {
  if (preparsed.has(id)) return [];
  const answer = cedar.preparsePolicySet(id, { staticPolicies: { ...policies } });
  if (answer.type === 'failure') return answer.errors.map((e) => e.message);
  preparsed.add(id);
  return [];
}
