/**
 * @module Step-output references and argument provenance.
 *
 * Convention: an argument that uses an earlier step's output holds a string containing
 * `{{steps.<stepId>.output}}` or `{{steps.<stepId>.output.<path>}}` (path segments `.name` or `[index]`,
 * whitespace allowed inside the braces). The step id is the text up to the first `.output`. The
 * reference may sit anywhere in the string and at any depth inside the argument; the argument then
 * derives from that step. A `{{steps.` that does not parse is an error, so no reference goes unseen.
 */
import type { Provenance } from '../types.js';
import { childPath, failAt, quote } from './issues.js';
import type { DraftStep } from './tool-calls.js';

export interface StepReference {
  stepId: string;
  /** Path into the output after `.output`, e.g. `.items[0].url`; empty for the whole output. */
  outputPath: string;
}

const REFERENCE = /\{\{\s*steps\.([A-Za-z0-9_.:-]+?)\.output((?:\.[A-Za-z0-9_-]+|\[\d+\])*)\s*\}\}/g;
const REFERENCE_START = /\{\{\s*steps\./g;

/** The default provenance of an argument the agent wrote itself. */
export const AGENT_PROVENANCE: Provenance = { source: 'agent', trust: 'internal', derivedFrom: [] };

/** References in one string; throws when a `{{steps.` opener is not a well-formed reference. */
export function referencesIn(text: string, path: string): StepReference[] {
  const refs = [...text.matchAll(REFERENCE)].map((m) => ({ stepId: m[1]!, outputPath: m[2] ?? '' }));
  const openers = text.match(REFERENCE_START)?.length ?? 0;
  if (openers !== refs.length) failAt(path, 'holds a malformed step reference: write `{{steps.<stepId>.output}}` or `{{steps.<stepId>.output.<path>}}`');
  return refs;
}

/** All references anywhere inside a value (strings only; keys are names, not data). */
export function findStepReferences(value: unknown, path: string): StepReference[] {
  if (typeof value === 'string') return referencesIn(value, path);
  if (Array.isArray(value)) return value.flatMap((v: unknown, i) => findStepReferences(v, childPath(path, i)));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => findStepReferences(v, childPath(path, k)));
  }
  return [];
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** Provenance for one argument: declared, else from the steps it references, else the default. */
function argumentProvenance(step: DraftStep, name: string, toolOf: Map<string, string>, fallback: Provenance): Provenance {
  const path = childPath(childPath(step.path, 'args'), name);
  const refs = findStepReferences(step.args[name], path);
  for (const ref of refs) {
    if (!step.dependsOn.includes(ref.stepId)) failAt(path, `references step ${quote(ref.stepId)}, which is not in this step's \`dependsOn\``);
  }
  const referenced = unique(refs.map((r) => r.stepId));
  const declared = Object.hasOwn(step.provenance, name) ? (step.provenance[name] as Provenance) : undefined;
  // INVARIANT: a reference always lands in derivedFrom, even when trust is declared, so taint can
  // still reach it (a declaration may lower trust but never hide where data came from).
  if (declared) return { ...declared, derivedFrom: unique([...declared.derivedFrom, ...referenced]) };
  const first = referenced[0];
  if (first === undefined) return { ...fallback, derivedFrom: [...fallback.derivedFrom] };
  return { source: `tool_output:${toolOf.get(first) ?? 'unknown'}#${first}`, trust: 'untrusted', derivedFrom: referenced };
}

/**
 * Give every top-level argument of every step an explicit provenance. Assumes dependencies were
 * validated (every dependsOn names a step). Throws on references outside dependsOn and on
 * provenance entries for arguments the step does not have.
 */
export function assignProvenance(steps: DraftStep[], fallback: Provenance = AGENT_PROVENANCE): DraftStep[] {
  const toolOf = new Map(steps.map((s) => [s.stepId, s.tool]));
  return steps.map((step) => {
    for (const name of Object.keys(step.provenance)) {
      if (!Object.hasOwn(step.args, name)) failAt(childPath(childPath(step.path, 'provenance'), name), `names argument ${quote(name)}, which the step does not have`);
    }
    // why fromEntries: an argument may be called `__proto__`; assignment would set the prototype instead.
    const provenance = Object.fromEntries(Object.keys(step.args).map((name) => [name, argumentProvenance(step, name, toolOf, fallback)]));
    return { ...step, provenance };
  });
}
