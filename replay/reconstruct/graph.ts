/**
 * @module The execution graph of a task: provenance sources, plan, steps, decisions, approvals, tool
 * executions and the outcome. Node ids derive from the task and step ids only, so the same task gives
 * the same ids in every export, and two runs of one plan can be compared node by node.
 */
import type { ExecutionGraph, GraphEdge, GraphNode, ReplaySummary, StepRecord } from './types.js';

export function buildGraph(taskId: string, summary: ReplaySummary, steps: readonly StepRecord[]): ExecutionGraph {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const node = (n: GraphNode): string => {
    if (!nodes.has(n.id)) nodes.set(n.id, n);
    return n.id;
  };
  const edge = (from: string, to: string, kind: GraphEdge['kind']): void => {
    const key = `${from}\u0000${to}\u0000${kind}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ from, to, kind });
  };
  const source = (src: string, trust?: string): string => node({ id: `${taskId}/source/${src}`, kind: 'source', label: src, data: { source: src, ...(trust ? { trust } : {}) } });
  const plan = node({ id: `${taskId}/plan`, kind: 'plan', label: summary.plan ? `plan ${summary.plan.planId}` : 'plan', data: { planId: summary.plan?.planId, planVersion: summary.plan?.planVersion, goal: summary.goal } });
  const outcome = node({ id: `${taskId}/outcome`, kind: 'outcome', label: summary.outcome ?? summary.status, data: { outcome: summary.outcome, status: summary.status } });
  let executed = 0;
  for (const st of steps) {
    const sid = node({ id: `${taskId}/step/${st.stepId}`, kind: 'step', label: `${st.stepId}: ${st.tool}`, data: { stepId: st.stepId, tool: st.tool, state: st.state, argsDigest: st.argsDigest } });
    edge(sid, plan, 'derives-from');
    for (const d of st.dependsOn) edge(sid, `${taskId}/step/${d}`, 'derives-from');
    for (const p of st.sources) edge(sid, source(p.source, String(p.trust)), 'derives-from');
    if (st.assessment) {
      const a = st.assessment;
      const did = node({ id: `${sid}/decision`, kind: 'decision', label: a.decision, data: { decision: a.decision, determiningPolicies: a.determiningPolicies, risk: a.risk.level, policySetVersion: a.policySetVersion } });
      edge(sid, did, 'evaluated-by');
      for (const t of a.taintSources) edge(sid, source(t), 'tainted-by');
    }
    if (st.approval) {
      const ap = st.approval;
      const aid = node({ id: `${sid}/approval`, kind: 'approval', label: `${ap.status}${ap.decidedBy ? ` by ${ap.decidedBy}` : ''}`, data: { approvalId: ap.approvalId, status: ap.status, decidedBy: ap.decidedBy } });
      edge(sid, aid, 'approved-by');
    }
    if (st.execution) {
      const x = st.execution;
      const xid = node({ id: `${sid}/execution`, kind: 'execution', label: x.ok ? `executed ${x.resultDigest?.slice(0, 12) ?? ''}`.trim() : `failed ${x.error?.code ?? ''}`.trim(), data: { ok: x.ok, resultDigest: x.resultDigest, error: x.error } });
      edge(sid, xid, 'executed');
      edge(xid, outcome, 'produced');
      executed++;
    }
  }
  if (executed === 0) edge(plan, outcome, 'produced');
  // why: a step that reads another's output names it as source `tool_output:<tool>#<stepId>`, possibly
  // later in the plan; link each execution to the source it produced once every source is known.
  for (const st of steps) {
    const out = `${taskId}/source/tool_output:${st.tool}#${st.stepId}`;
    if (st.execution && nodes.has(out)) edge(`${taskId}/step/${st.stepId}/execution`, out, 'produced');
  }
  return { nodes: [...nodes.values()], edges };
}
