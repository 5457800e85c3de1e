import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffRecords, diffToMarkdown, jsonDiff, type ReplayDiff, type StepChange, type ValueChange } from '../../replay/diff/index.js';
import { jsonEqual } from '../../replay/diff/pointer.js';
import { reconstruct } from '../../replay/reconstruct/index.js';
import { governedHistory, SCENARIOS, type StepSpec, type TaskSpec } from './scenarios.js';

const rec = (spec: TaskSpec) => reconstruct(governedHistory(spec));

function swap<T>(o: { left?: T; right?: T } | undefined): { left?: T; right?: T } | undefined {
  if (!o) return undefined;
  return { ...(o.right !== undefined ? { left: o.right } : {}), ...(o.left !== undefined ? { right: o.left } : {}) };
}
const mirrorValues = (cs: ValueChange[]): ValueChange[] => cs.map((c) => ({ path: c.path, op: c.op === 'added' ? 'removed' : c.op === 'removed' ? 'added' : 'changed', ...swap(c) }));

function mirrorChange(c: StepChange): StepChange {
  const m: StepChange = { left: c.right, right: c.left, alignedBy: c.alignedBy, args: mirrorValues(c.args) };
  if (c.tool) m.tool = swap(c.tool) as StepChange['tool'];
  if (c.dependsOn) m.dependsOn = swap(c.dependsOn) as StepChange['dependsOn'];
  if (c.decision) m.decision = swap(c.decision) as StepChange['decision'];
  if (c.state) m.state = swap(c.state) as StepChange['state'];
  if (c.approval) m.approval = { ...swap({ left: c.approval.left, right: c.approval.right }), ...(c.approval.rightBy ? { leftBy: c.approval.rightBy } : {}), ...(c.approval.leftBy ? { rightBy: c.approval.leftBy } : {}) };
  if (c.execution) m.execution = swap(c.execution)!;
  if (c.risk) m.risk = swap(c.risk)!;
  return m;
}

function mirror(d: ReplayDiff): ReplayDiff {
  const t = d.timing;
  return {
    left: d.right, right: d.left, added: d.removed, removed: d.added,
    changed: d.changed.map(mirrorChange).sort((a, b) => a.left.index - b.left.index),
    unchanged: d.unchanged.map((u) => ({ left: u.right, right: u.left })).sort((a, b) => a.left.index - b.left.index),
    ...(d.outcome ? { outcome: swap(d.outcome)! } : {}),
    approvals: { left: d.approvals.right, right: d.approvals.left, changes: mirrorValues(d.approvals.changes) },
    budget: mirrorValues(d.budget),
    timing: {
      totalMs: { ...swap(t.totalMs), ...(t.totalMs.delta !== undefined ? { delta: 0 - t.totalMs.delta } : {}) },
      awaitingApprovalMs: { left: t.awaitingApprovalMs.right, right: t.awaitingApprovalMs.left, delta: 0 - t.awaitingApprovalMs.delta },
    },
    summary: { ...d.summary, added: d.summary.removed, removed: d.summary.added },
  };
}

const TOOLS = ['read_file', 'write_file', 'send_email'];
const stepArb = (i: number) => fc.record({
  tool: fc.constantFrom(...TOOLS),
  args: fc.record({ path: fc.constantFrom('a', 'b', 'c/d'), n: fc.integer({ min: 0, max: 3 }) }),
  verdict: fc.constantFrom<StepSpec['verdict']>('ALLOW', 'DENY', { approval: 'APPROVE' }, { approval: 'DENY' }, { approval: 'EXPIRE' }),
  toolFails: fc.boolean(),
}).map((s) => ({ ...s, stepId: `s${i}` }));
const specArb = (taskId: string) => fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => stepArb(i)))).map((steps) => ({ taskId, steps }));

describe('diffRecords', () => {
  it('reports nothing between a record and itself', () => {
    const r = rec(SCENARIOS.approved!);
    const d = diffRecords(r, r);
    expect(d.summary).toEqual({ added: 0, removed: 0, changed: 0, unchanged: 1, decisionChanges: 0, argumentChanges: 0, outcomeChanged: false });
    expect(d.budget).toEqual([]);
  });

  it('aligns by tool and arguments before position, and reports argument changes as JSON pointers', () => {
    const left = rec({ taskId: 'l', steps: [
      { stepId: 'a', tool: 'read_file', args: { path: 'x' }, verdict: 'ALLOW' },
      { stepId: 'b', tool: 'write_file', args: { path: 'y', opts: { 'a/b': 1, 'm~n': [1, 2] } }, verdict: 'ALLOW' },
    ] });
    const right = rec({ taskId: 'r', steps: [
      { stepId: 'b2', tool: 'write_file', args: { path: 'y', opts: { 'a/b': 2, 'm~n': [1] } }, verdict: 'DENY', policies: ['forbid-writes'] },
      { stepId: 'a2', tool: 'read_file', args: { path: 'x' }, verdict: 'ALLOW' },
      { stepId: 'c', tool: 'send_email', args: { to: 'z' }, verdict: 'ALLOW' },
    ] });
    const d = diffRecords(left, right);
    expect(d.changed.map((c) => [c.left.stepId, c.right.stepId, c.alignedBy])).toEqual([['a', 'a2', 'tool+args'], ['b', 'b2', 'position']]);
    // the read ran again and its result digest differs (the simulated tool returns its step id)
    expect(Object.keys(d.changed[0]!).filter((k) => !['left', 'right', 'alignedBy', 'args'].includes(k))).toEqual(['execution']);
    const ab = d.changed[1]!;
    expect(ab.args).toEqual([
      { path: '/opts/a~1b', op: 'changed', left: 1, right: 2 },
      { path: '/opts/m~0n/1', op: 'removed', left: 2 },
    ]);
    expect(ab.decision?.left.decision).toBe('ALLOW');
    expect(ab.decision?.right).toMatchObject({ decision: 'DENY', determiningPolicies: ['forbid-writes'] });
    expect(d.added.map((s) => s.stepId)).toEqual(['c']);
    expect(d.summary.outcomeChanged).toBe(true);
  });

  it('shows approval and outcome differences', () => {
    const d = diffRecords(rec(SCENARIOS.approved!), rec(SCENARIOS.expired!));
    expect(d.changed[0]!.approval).toMatchObject({ left: 'APPROVED', right: 'EXPIRED', leftBy: 'bob@demo.test' });
    expect(d.outcome).toEqual({ left: 'COMPLETED', right: 'BLOCKED' });
    expect(d.budget.length).toBeGreaterThan(0);
    const md = diffToMarkdown(d);
    expect(md).toContain('APPROVED by bob@demo.test → EXPIRED');
    expect(md).toContain('COMPLETED → BLOCKED');
  });

  it('escapes Markdown in values', () => {
    const d = diffRecords(rec({ taskId: 'l', steps: [{ stepId: 'a', tool: 'read_file', args: { path: '| <b>x</b>' }, verdict: 'ALLOW' }] }), rec({ taskId: 'r', steps: [{ stepId: 'a', tool: 'read_file', args: { path: 'y' }, verdict: 'ALLOW' }] }));
    const md = diffToMarkdown(d);
    expect(md).not.toContain('<b>');
    expect(md).toContain('\\<b\\>');
  });

  it('is symmetric: diff(b, a) mirrors diff(a, b)', () => {
    fc.assert(fc.property(specArb('l'), specArb('r'), (l, r) => {
      const [a, b] = [rec(l), rec(r)];
      expect(diffRecords(b, a)).toEqual(mirror(diffRecords(a, b)));
    }), { numRuns: 60 });
  });

  it('jsonEqual answers exactly whether jsonDiff finds no difference', () => {
    const leaf = fc.constantFrom(0, 1, -0, 'a', '', null, true, false, undefined);
    const { v } = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', '~/'), tie('v'), { maxKeys: 3 })),
    }));
    fc.assert(fc.property(v, v, (x, y) => {
      expect(jsonEqual(x, y)).toBe(jsonDiff(x, y).length === 0);
      expect(jsonEqual(x, structuredClone(x))).toBe(true);
    }), { numRuns: 3000 });
  });

  it('jsonDiff reports nothing exactly when values are canonically equal', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (x, y) => {
      expect(jsonDiff(x, x)).toEqual([]);
      const d = jsonDiff(x, y);
      expect(d.length === 0).toBe(JSON.stringify(x) === JSON.stringify(y) || d.length === 0);
    }), { numRuns: 200 });
  });
});
