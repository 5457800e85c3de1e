/** @module policyDriftReport: which recorded decisions a new policy set would change, across many tasks. */
import type { CompiledPolicySet } from '../../governance/policy/index.js';
import type { ToolDefinition } from '../../governance/types.js';
import type { ReplayRecord } from '../reconstruct/types.js';
import type { DriftExample, DriftGroup, DriftReport } from './types.js';
import { whatIf } from './what-if.js';

const MAX_EXAMPLES = 5;

class Groups {
  private readonly m = new Map<string, DriftGroup>();

  add(policyIds: readonly string[], ex: DriftExample): void {
    const key = `${ex.old}->${ex.new}`;
    for (const id of policyIds.length > 0 ? policyIds : ['(none)']) {
      let g = this.m.get(id);
      if (!g) this.m.set(id, (g = { policyId: id, count: 0, transitions: {}, examples: [] }));
      g.count++;
      g.transitions[key] = (g.transitions[key] ?? 0) + 1;
      if (g.examples.length < MAX_EXAMPLES) g.examples.push(ex);
    }
  }

  /** Most changes first; ties by policy id, so the report is deterministic. */
  list(): DriftGroup[] {
    return [...this.m.values()].sort((a, b) => b.count - a.count || a.policyId.localeCompare(b.policyId));
  }
}

/** Re-decide every recorded step of every task under `policy`; group the changed decisions by policy. */
export function policyDriftReport(records: readonly ReplayRecord[], policy: CompiledPolicySet, tools: ReadonlyMap<string, ToolDefinition>): DriftReport {
  const byNew = new Groups();
  const byOld = new Groups();
  const transitions: Record<string, number> = {};
  let reevaluated = 0;
  let changed = 0;
  let affected = 0;
  for (const r of records) {
    const w = whatIf(r, policy, tools);
    reevaluated += w.summary.reevaluated;
    if (w.summary.changed > 0) affected++;
    for (const s of w.steps) {
      if (!s.changed || !s.old || !s.new) continue;
      changed++;
      const ex: DriftExample = { ...(w.taskId ? { taskId: w.taskId } : {}), stepId: s.stepId, tool: s.tool, old: s.old.decision, new: s.new.decision };
      transitions[`${ex.old}->${ex.new}`] = (transitions[`${ex.old}->${ex.new}`] ?? 0) + 1;
      byNew.add(s.new.determiningPolicies, ex);
      byOld.add(s.old.determiningPolicies, ex);
    }
  }
  return { policySetVersion: policy.version, tasks: records.length, stepsReevaluated: reevaluated, stepsChanged: changed, tasksAffected: affected, transitions, byNewPolicy: byNew.list(), byOldPolicy: byOld.list() };
}
