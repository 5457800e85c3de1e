/**
 * @module Taint propagation over a plan. A step's output is as trustworthy as the lowest of its
 * tool's output trust and everything that went into it, so passing untrusted data through an
 * intermediate ("summarise") step does not clean it.
 */
import { InterceptorError } from '../../lib/errors.js';
import type { ExecutionPlan, PlanStep, Provenance, TrustLevel } from '../types.js';
import { topologicalOrder } from '../plan/dag.js';
import { AGENT_PROVENANCE } from '../plan/references.js';
import { isTainting, lowestTrust } from './trust.js';
import type { ArgumentProvenance, StepProvenance } from './types.js';

export interface ResolveProvenanceOptions {
  /** Trust of a step's tool output; default `untrusted` (tool output is untrusted input). */
  outputTrust?: (step: PlanStep) => TrustLevel;
}

interface Flow {
  provenance: StepProvenance;
  /** Trust of the step's output: its tool's output trust, lowered by its inputs. */
  outTrust: TrustLevel;
  outSources: string[];
}

const defaultOutputTrust = (): TrustLevel => 'untrusted';

/** The plan step whose output `source` names (`tool_output:<tool>#<stepId>`), if it is one of this plan's. */
function outputStepOf(source: string, steps: Map<string, PlanStep>): string | undefined {
  const m = /^tool_output:(.+)#([^#]+)$/.exec(source);
  return m && steps.get(m[2]!)?.tool === m[1] ? m[2] : undefined;
}

function argumentFlow(p: Provenance, flows: Map<string, Flow>, steps: Map<string, PlanStep>): { arg: ArgumentProvenance; sources: string[] } {
  // why: for an argument that *is* a step's output, its own trust is that output's resolved trust
  // (extraction could only label it `untrusted` by default; outputTrust and upstream taint decide).
  const outputStep = outputStepOf(p.source, steps);
  const derived = outputStep === undefined || p.derivedFrom.includes(outputStep) ? p.derivedFrom : [...p.derivedFrom, outputStep];
  const sources = outputStep === undefined && isTainting(p.trust) ? [p.source] : [];
  const trusts: TrustLevel[] = outputStep === undefined ? [p.trust] : [];
  for (const d of derived) {
    // why untrusted: a derivation from a step we cannot see must fail closed.
    const f = flows.get(d) ?? { outTrust: 'untrusted' as const, outSources: [`unknown_step#${d}`] };
    trusts.push(f.outTrust);
    if (isTainting(f.outTrust)) sources.push(...f.outSources);
  }
  return { arg: { ...p, derivedFrom: [...p.derivedFrom], effectiveTrust: lowestTrust(trusts) }, sources };
}

function declaredFor(step: PlanStep, name: string): Provenance {
  // why hasOwn: `step.provenance['__proto__']` would otherwise read Object.prototype.
  return Object.hasOwn(step.provenance, name) ? step.provenance[name]! : AGENT_PROVENANCE;
}

function stepFlow(step: PlanStep, flows: Map<string, Flow>, steps: Map<string, PlanStep>, outputTrust: (s: PlanStep) => TrustLevel): Flow {
  const sources = new Set<string>();
  const trusts: TrustLevel[] = [];
  const args: Array<[string, ArgumentProvenance]> = Object.keys(step.args).map((name) => {
    const { arg, sources: s } = argumentFlow(declaredFor(step, name), flows, steps);
    s.forEach((x) => sources.add(x));
    trusts.push(arg.effectiveTrust);
    return [name, arg];
  });
  for (const d of step.dependsOn) {
    const f = flows.get(d);
    const t = f?.outTrust ?? 'untrusted';
    trusts.push(t);
    if (isTainting(t)) (f?.outSources ?? [`unknown_step#${d}`]).forEach((x) => sources.add(x));
  }
  const lowest = lowestTrust(trusts);
  const own = outputTrust(step);
  const outSources = new Set(sources);
  if (isTainting(own)) outSources.add(`tool_output:${step.tool}#${step.stepId}`);
  return {
    // why fromEntries: an argument may be called `__proto__`.
    provenance: { args: Object.fromEntries(args), tainted: isTainting(lowest), taintSources: [...sources].sort(), lowestTrust: lowest },
    outTrust: lowestTrust([own, lowest]),
    outSources: [...outSources].sort(),
  };
}

/** Provenance of every step, keyed by step id. Throws BAD_USER_INPUT on a cyclic or dangling plan. */
export function resolvePlanProvenance(plan: ExecutionPlan, opts: ResolveProvenanceOptions = {}): Map<string, StepProvenance> {
  const outputTrust = opts.outputTrust ?? defaultOutputTrust;
  const byId = new Map(plan.steps.map((s) => [s.stepId, s]));
  const flows = new Map<string, Flow>();
  for (const level of topologicalOrder(plan)) {
    for (const id of level) flows.set(id, stepFlow(byId.get(id)!, flows, byId, outputTrust));
  }
  return new Map([...flows].map(([id, f]) => [id, f.provenance]));
}

/** Provenance, effective trust and taint of one step's arguments. */
export function resolveStepProvenance(plan: ExecutionPlan, stepId: string, opts: ResolveProvenanceOptions = {}): StepProvenance {
  const found = resolvePlanProvenance(plan, opts).get(stepId);
  if (!found) throw new InterceptorError('NOT_FOUND', `step \`${stepId}\` is not in the plan`, { issues: [{ path: 'stepId', message: 'unknown step' }] });
  return found;
}
