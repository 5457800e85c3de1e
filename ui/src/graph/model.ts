/**
 * @module The execution graph the Task page draws. Today it is built from the plan (dependsOn + each
 * step's decision and state); when the API offers `replay(taskId){graph}`, a converter to this same
 * shape is all the view needs.
 */
import type { Decision, Step, StepState } from '../api/types.js';

export interface GraphNode {
  id: string;
  label: string;
  sublabel: string;
  state: StepState;
  decision: Decision | null;
}

export interface GraphEdge {
  from: string;
  to: string;
}

export interface ExecutionGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** One node per step, one edge per dependency; edges to unknown steps are dropped (the API validated the DAG). */
export function graphFromPlan(steps: Pick<Step, 'stepId' | 'tool' | 'dependsOn' | 'state' | 'decision'>[]): ExecutionGraph {
  const ids = new Set(steps.map((s) => s.stepId));
  return {
    nodes: steps.map((s) => ({ id: s.stepId, label: s.tool, sublabel: s.stepId, state: s.state, decision: s.decision })),
    edges: steps.flatMap((s) => s.dependsOn.filter((d) => ids.has(d)).map((d) => ({ from: d, to: s.stepId }))),
  };
}
