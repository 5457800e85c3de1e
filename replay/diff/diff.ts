/** @module diffRecords: what changed between two runs (or two reconstructions) of governed tasks. */
import type { ReplayRecord, StepRecord } from '../reconstruct/types.js';
import { alignSteps } from './align.js';
import { jsonDiff, jsonEqual } from './pointer.js';
import type { DecisionSide, ReplayDiff, StepChange, StepRef } from './types.js';

const ref = (s: StepRecord, index: number): StepRef => ({ stepId: s.stepId, tool: s.tool, index });
const same = (a: unknown, b: unknown): boolean => jsonEqual(a, b);

function decisionSide(s: StepRecord): DecisionSide {
  return { ...(s.decision ? { decision: s.decision } : {}), reasons: s.reasons, determiningPolicies: s.assessment?.determiningPolicies ?? [] };
}

function execText(s: StepRecord): string | undefined {
  if (!s.execution) return undefined;
  return s.execution.ok ? `ok:${s.execution.resultDigest ?? ''}` : `failed:${s.execution.error?.code ?? ''}`;
}

function compareSteps(l: StepRecord, r: StepRecord, li: number, ri: number, by: StepChange['alignedBy']): StepChange {
  const c: StepChange = { left: ref(l, li), right: ref(r, ri), alignedBy: by, args: jsonDiff(l.args, r.args) };
  if (l.tool !== r.tool) c.tool = { left: l.tool, right: r.tool };
  if (!same(l.dependsOn, r.dependsOn)) c.dependsOn = { left: l.dependsOn, right: r.dependsOn };
  const [dl, dr] = [decisionSide(l), decisionSide(r)];
  if (!same(dl, dr)) c.decision = { left: dl, right: dr };
  if (l.state !== r.state) c.state = { left: l.state, right: r.state };
  if (l.approval?.status !== r.approval?.status || l.approval?.decidedBy !== r.approval?.decidedBy) {
    c.approval = { ...(l.approval ? { left: l.approval.status } : {}), ...(r.approval ? { right: r.approval.status } : {}), ...(l.approval?.decidedBy ? { leftBy: l.approval.decidedBy } : {}), ...(r.approval?.decidedBy ? { rightBy: r.approval.decidedBy } : {}) };
  }
  if (execText(l) !== execText(r)) c.execution = { ...(execText(l) ? { left: execText(l) } : {}), ...(execText(r) ? { right: execText(r) } : {}) };
  const [rl, rr] = [l.assessment?.risk, r.assessment?.risk];
  if (rl?.score !== rr?.score || rl?.level !== rr?.level) c.risk = { ...(rl ? { left: { score: rl.score, level: rl.level } } : {}), ...(rr ? { right: { score: rr.score, level: rr.level } } : {}) };
  return c;
}

function isEmpty(c: StepChange): boolean {
  return c.args.length === 0 && !c.tool && !c.dependsOn && !c.decision && !c.state && !c.approval && !c.execution && !c.risk;
}

function approvalView(r: ReplayRecord): unknown[] {
  return r.summary.approvals.map((a) => ({ stepId: a.stepId, tool: a.tool, status: a.status, decidedBy: a.decidedBy, reason: a.reason }));
}

const delta = (l?: number, r?: number): number | undefined => (l === undefined || r === undefined ? undefined : r - l);

/** Compare two replay records. Pure and symmetric: diffRecords(b, a) is the mirror of diffRecords(a, b). */
export function diffRecords(left: ReplayRecord, right: ReplayRecord): ReplayDiff {
  const { pairs, added, removed } = alignSteps(left.steps, right.steps);
  const changed: StepChange[] = [];
  const unchanged: ReplayDiff['unchanged'] = [];
  for (const p of pairs) {
    const c = compareSteps(left.steps[p.left]!, right.steps[p.right]!, p.left, p.right, p.by);
    if (isEmpty(c)) unchanged.push({ left: c.left, right: c.right });
    else changed.push(c);
  }
  const [lo, ro] = [left.summary.outcome, right.summary.outcome];
  const [lt, rt] = [left.summary.durations.totalMs, right.summary.durations.totalMs];
  const [la, ra] = [left.summary.durations.awaitingApprovalMs, right.summary.durations.awaitingApprovalMs];
  return {
    left: { ...(left.summary.taskId ? { taskId: left.summary.taskId } : {}), historyDigest: left.historyDigest },
    right: { ...(right.summary.taskId ? { taskId: right.summary.taskId } : {}), historyDigest: right.historyDigest },
    added: added.map((i) => ref(right.steps[i]!, i)),
    removed: removed.map((i) => ref(left.steps[i]!, i)),
    changed,
    unchanged,
    ...(lo !== ro ? { outcome: { ...(lo ? { left: lo } : {}), ...(ro ? { right: ro } : {}) } } : {}),
    approvals: { left: left.summary.approvals.length, right: right.summary.approvals.length, changes: jsonDiff(approvalView(left), approvalView(right)) },
    budget: jsonDiff(left.summary.budget, right.summary.budget),
    timing: {
      totalMs: { ...(lt !== undefined ? { left: lt } : {}), ...(rt !== undefined ? { right: rt } : {}), ...(delta(lt, rt) !== undefined ? { delta: delta(lt, rt) } : {}) },
      awaitingApprovalMs: { left: la, right: ra, delta: ra - la },
    },
    summary: {
      added: added.length, removed: removed.length, changed: changed.length, unchanged: unchanged.length,
      decisionChanges: changed.filter((c) => c.decision?.left.decision !== c.decision?.right.decision).length,
      argumentChanges: changed.filter((c) => c.args.length > 0).length,
      outcomeChanged: lo !== ro,
    },
  };
}
