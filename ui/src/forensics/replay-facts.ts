/**
 * @module Facts the Task page reads from `replay(taskId)`: each step's provenance sources with their
 * trust, the sources that tainted it, and its timeline entries. DOM-free (node tests import it).
 */
import type { ReplayGraph, TimelineEntry } from '../api/types.js';

export interface StepProvenance {
  sources: { source: string; trust: string | null }[];
  taintedBy: string[];
}

/** Parse `graph(format: JSON)`; null when the text is not a graph (the view then shows the plan only). */
export function parseReplayGraph(text: string): ReplayGraph | null {
  try {
    const g = JSON.parse(text) as Partial<ReplayGraph>;
    return Array.isArray(g.nodes) && Array.isArray(g.edges) ? (g as ReplayGraph) : null;
  } catch {
    return null;
  }
}

/** Step id → where its inputs came from and what tainted it, read off the graph's typed edges. */
export function provenanceByStep(graph: ReplayGraph): Map<string, StepProvenance> {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const out = new Map<string, StepProvenance>();
  const entry = (stepId: string) => {
    let p = out.get(stepId);
    if (!p) out.set(stepId, (p = { sources: [], taintedBy: [] }));
    return p;
  };
  for (const n of graph.nodes) if (n.kind === 'step' && typeof n.data.stepId === 'string') entry(n.data.stepId);
  for (const e of graph.edges) {
    const from = nodes.get(e.from), to = nodes.get(e.to);
    if (from?.kind !== 'step' || to?.kind !== 'source' || typeof from.data.stepId !== 'string') continue;
    const p = entry(from.data.stepId);
    const source = typeof to.data.source === 'string' ? to.data.source : to.label;
    if (e.kind === 'tainted-by') {
      if (!p.taintedBy.includes(source)) p.taintedBy.push(source);
    } else if (e.kind === 'derives-from' && !p.sources.some((s) => s.source === source)) {
      p.sources.push({ source, trust: typeof to.data.trust === 'string' ? to.data.trust : null });
    }
  }
  return out;
}

/** Timeline entries grouped by step id (entries without a step, e.g. task.started, are left out). */
export function entriesByStep(timeline: TimelineEntry[]): Map<string, TimelineEntry[]> {
  const out = new Map<string, TimelineEntry[]>();
  for (const e of timeline) {
    if (!e.stepId) continue;
    const list = out.get(e.stepId);
    if (list) list.push(e);
    else out.set(e.stepId, [e]);
  }
  return out;
}

/** Trust levels (governance TRUST_LEVELS) that mean "came from outside": shown as a warning, not just a colour. */
export function isUntrusted(trust: string | null): boolean {
  return trust === 'external' || trust === 'untrusted';
}
