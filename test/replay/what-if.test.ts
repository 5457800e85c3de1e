import { describe, expect, it } from 'vitest';
import { assessStep } from '../../governance/assess/index.js';
import { loadDefaultPolicyPack } from '../../governance/policy/default-pack.js';
import { compilePolicySet, type CompiledPolicySet } from '../../governance/policy/index.js';
import type { ToolDefinition } from '../../governance/types.js';
import { digestJson } from '../../lib/canonical-json.js';
import { DEMO_TOOLS } from '../../policies/demo-tools.js';
import { reconstruct } from '../../replay/reconstruct/index.js';
import { policyDriftReport, whatIf } from '../../replay/what-if/index.js';
import { governedHistory, type TaskSpec } from './scenarios.js';

const pack = loadDefaultPolicyPack();
const tools = new Map<string, ToolDefinition>(DEMO_TOOLS.map((t) => [t.name, t]));

function recorded(taskId: string, policy: CompiledPolicySet = pack.policySet) {
  const spec: TaskSpec = {
    taskId,
    steps: [
      { stepId: 'read', tool: 'read_file', args: { path: 'notes/a.txt' }, verdict: 'ALLOW' },
      { stepId: 'write', tool: 'write_file', args: { path: 'notes/b.txt', content: 'x' }, verdict: 'ALLOW' },
    ],
    assessWith: (plan, stepId, identity, now) => {
      const tool = tools.get(plan.steps.find((s) => s.stepId === stepId)!.tool);
      const a = assessStep({ plan, stepId, ...(tool ? { tool } : {}), identity, budget: { fractionUsed: 0.1, exhausted: false }, now }, { policy });
      return { ...a, inputs: { ...(tool ? { toolDigest: digestJson(tool) } : {}), budget: { fractionUsed: 0.1, exhausted: false }, args: plan.steps.find((s) => s.stepId === stepId)!.args } };
    },
  };
  return reconstruct(governedHistory(spec));
}

function stricter(): CompiledPolicySet {
  const text = `${pack.policySet.text}\n@id("forbid-writes")\n@reason("writes are frozen")\nforbid (principal, action == Action::"call_tool", resource) when { resource.sideEffect == "write" };\n`;
  const c = compilePolicySet(text);
  if (!c.ok) throw new Error(JSON.stringify(c.errors));
  return c.policySet;
}

describe('whatIf', () => {
  it('reproduces every recorded decision under the policy that made it', () => {
    const w = whatIf(recorded('t1'), pack.policySet, tools);
    expect(w.summary).toMatchObject({ steps: 2, reevaluated: 2, changed: 0, toolDigestChanged: 0, skipped: 0 });
    for (const s of w.steps) expect(s.new).toEqual(s.old);
  });

  it('shows which decisions a new policy would change, and why', () => {
    const w = whatIf(recorded('t1'), stricter(), tools);
    expect(w.summary).toMatchObject({ changed: 1, transitions: { 'ALLOW->DENY': 1 } });
    const write = w.steps.find((s) => s.stepId === 'write')!;
    expect(write.old?.decision).toBe('ALLOW');
    expect(write.new).toMatchObject({ decision: 'DENY', determiningPolicies: ['forbid-writes'] });
    expect(write.new?.reasons[0]?.message).toBe('writes are frozen');
  });

  it('flags a tool whose definition changed since the decision', () => {
    const changed = new Map(tools);
    changed.set('write_file', { ...tools.get('write_file')!, riskLevel: 'critical' });
    const w = whatIf(recorded('t1'), pack.policySet, changed);
    expect(w.steps.map((s) => [s.stepId, s.toolDigestChanged])).toEqual([['read', false], ['write', true]]);
    changed.delete('read_file');
    const gone = whatIf(recorded('t1'), pack.policySet, changed);
    expect(gone.steps[0]).toMatchObject({ toolDigestChanged: true, changed: true, new: { decision: 'DENY' } });
  });

  it('skips steps it cannot re-decide and says why', () => {
    const r = recorded('t1');
    delete r.steps[0]!.assessment!.inputs;
    delete r.steps[1]!.assessment;
    const w = whatIf(r, pack.policySet, tools);
    expect(w.steps.map((s) => s.skipped?.code)).toEqual(['NO_RECORDED_INPUTS', 'NOT_ASSESSED']);
  });

  it('rejects arguments that are not a record, a compiled policy set and a tool map', () => {
    expect(() => whatIf({} as never, pack.policySet, tools)).toThrow(/record/);
    expect(() => whatIf(recorded('t1'), pack.policySet, {} as never)).toThrow(/tools/);
  });
});

describe('policyDriftReport', () => {
  it('groups changed decisions by the new and the old determining policies', () => {
    const records = ['a', 'b', 'c'].map((id) => recorded(id));
    const d = policyDriftReport(records, stricter(), tools);
    expect(d).toMatchObject({ tasks: 3, stepsReevaluated: 6, stepsChanged: 3, tasksAffected: 3, transitions: { 'ALLOW->DENY': 3 } });
    expect(d.byNewPolicy).toEqual([{ policyId: 'forbid-writes', count: 3, transitions: { 'ALLOW->DENY': 3 }, examples: records.map((r) => ({ taskId: r.summary.taskId, stepId: 'write', tool: 'write_file', old: 'ALLOW', new: 'DENY' })) }]);
    expect(d.byOldPolicy.map((g) => [g.policyId, g.count])).toEqual([['permit-capability-holders', 3]]);
    expect(policyDriftReport(records, pack.policySet, tools).stepsChanged).toBe(0);
  });
});
