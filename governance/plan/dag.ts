/** @module The dependency graph of a plan: validation, parallel levels, transitive dependants. */
import { InterceptorError, type Issue } from '../../lib/errors.js';
import type { ExecutionPlan } from '../types.js';
import { fail } from './issues.js';

/** The part of a step the graph needs; `path` locates it in the payload for error messages. */
export interface GraphStep {
  stepId: string;
  dependsOn: readonly string[];
  path?: string;
}

const at = (s: GraphStep, i: number): string => s.path ?? `steps[${i}]`;

/** Duplicate ids, self-dependencies and dangling dependencies, all reported at once. */
function structuralIssues(steps: readonly GraphStep[]): Issue[] {
  const issues: Issue[] = [];
  const firstAt = new Map<string, string>();
  steps.forEach((s, i) => {
    const seen = firstAt.get(s.stepId);
    if (seen !== undefined) issues.push({ path: `${at(s, i)}.stepId`, message: `duplicate step id \`${s.stepId}\`, first used at \`${seen}\`` });
    else firstAt.set(s.stepId, at(s, i));
  });
  steps.forEach((s, i) => {
    s.dependsOn.forEach((d, j) => {
      const path = `${at(s, i)}.dependsOn[${j}]`;
      if (d === s.stepId) issues.push({ path, message: `step \`${d}\` depends on itself` });
      else if (!firstAt.has(d)) issues.push({ path, message: `depends on \`${d}\`, which is not a step of this plan` });
    });
  });
  return issues;
}

/** The first cycle found walking steps in plan order, as `a → b → a`; undefined when acyclic. */
function findCycle(steps: readonly GraphStep[]): string[] | undefined {
  const deps = new Map(steps.map((s) => [s.stepId, s.dependsOn]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  // why iterative: a 1,000-step chain must not exhaust the call stack.
  for (const root of steps) {
    if (state.has(root.stepId)) continue;
    const frames: Array<{ id: string; next: number }> = [{ id: root.stepId, next: 0 }];
    state.set(root.stepId, 'open');
    stack.push(root.stepId);
    while (frames.length > 0) {
      const top = frames[frames.length - 1]!;
      const dep = (deps.get(top.id) ?? [])[top.next++];
      if (dep === undefined) {
        state.set(top.id, 'done');
        frames.pop();
        stack.pop();
      } else if (state.get(dep) === 'open') {
        return [...stack.slice(stack.indexOf(dep)), dep];
      } else if (!state.has(dep) && deps.has(dep)) {
        state.set(dep, 'open');
        stack.push(dep);
        frames.push({ id: dep, next: 0 });
      }
    }
  }
  return undefined;
}

/** Throw BAD_USER_INPUT unless the steps form a DAG with unique ids and no dangling dependencies. */
export function validateGraph(steps: readonly GraphStep[]): void {
  const issues = structuralIssues(steps);
  if (issues.length > 0) fail(issues);
  const cycle = findCycle(steps);
  if (cycle) fail([{ path: 'steps', message: `dependency cycle: \`${cycle.join(' → ')}\`` }], { cycle });
}

/**
 * Levels of steps that can run in parallel: every step's dependencies are in earlier levels.
 * Within a level, steps keep plan order, so the result is deterministic.
 */
export function topologicalOrder(plan: Pick<ExecutionPlan, 'steps'>): string[][] {
  validateGraph(plan.steps);
  const position = new Map(plan.steps.map((s, i) => [s.stepId, i]));
  const dependants = new Map<string, string[]>(plan.steps.map((s) => [s.stepId, []]));
  const waiting = new Map<string, number>();
  for (const s of plan.steps) {
    const deps = new Set(s.dependsOn);
    waiting.set(s.stepId, deps.size);
    for (const d of deps) dependants.get(d)!.push(s.stepId);
  }
  // Kahn's algorithm by rounds: O(steps + edges), each level sorted back into plan order.
  const levels: string[][] = [];
  let level = plan.steps.filter((s) => waiting.get(s.stepId) === 0).map((s) => s.stepId);
  while (level.length > 0) {
    levels.push(level);
    const next: string[] = [];
    for (const id of level) {
      for (const d of dependants.get(id)!) {
        const left = waiting.get(d)! - 1;
        waiting.set(d, left);
        if (left === 0) next.push(d);
      }
    }
    level = next.sort((x, y) => position.get(x)! - position.get(y)!);
  }
  return levels;
}

/** Every step that depends on `stepId`, directly or transitively, in plan order. */
export function dependantsOf(plan: Pick<ExecutionPlan, 'steps'>, stepId: string): string[] {
  if (!plan.steps.some((s) => s.stepId === stepId)) {
    throw new InterceptorError('NOT_FOUND', `step \`${stepId}\` is not in the plan`, { issues: [{ path: 'stepId', message: 'unknown step' }] });
  }
  const found = new Set<string>([stepId]);
  let grew = true;
  // why a fixed point over plan order: plans are ≤ 1,000 steps and this needs no reverse index.
  while (grew) {
    grew = false;
    for (const s of plan.steps) {
      if (!found.has(s.stepId) && s.dependsOn.some((d) => found.has(d))) {
        found.add(s.stepId);
        grew = true;
      }
    }
  }
  return plan.steps.filter((s) => s.stepId !== stepId && found.has(s.stepId)).map((s) => s.stepId);
}

/** Transitive dependencies (ancestors) of one step, by iterative breadth-first search. */
export function ancestorsOf(steps: readonly GraphStep[], stepId: string): Set<string> {
  const deps = new Map(steps.map((s) => [s.stepId, s.dependsOn]));
  const found = new Set<string>();
  const queue = [...(deps.get(stepId) ?? [])];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    if (found.has(id)) continue;
    found.add(id);
    queue.push(...(deps.get(id) ?? []));
  }
  return found;
}
