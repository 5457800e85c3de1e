/**
 * @module Turn stored rows (written by the workflow's activities) and, while the task runs, the
 * workflow's live `status` view into the GraphQL Task. Precedence per step: the live view while the
 * task runs, then the step's view recorded by recordStep (`steps.view`), then the final task view
 * recorded by recordOutcome (`tasks.view`), then what the step row alone implies. Arguments and
 * results always come from the rows. Recorded views are JSON and are read through zod.
 */
import { z } from 'zod';
import type { StepState, StepView, TaskView } from '../../workflows/contract.js';
import { toGqlRiskLevel, toRiskModel, type GqlApprovalStatus, type ReasonModel, type StepModel, type TaskModel } from '../schema/models.js';
import type { ApprovalRow, StepRow, TaskRow } from './store.js';

const ReasonSchema = z.object({ code: z.string(), message: z.string(), policyId: z.string().optional(), retryAt: z.string().optional() });
const StepViewSchema = z.looseObject({
  stepId: z.string(),
  tool: z.string(),
  dependsOn: z.array(z.string()).default([]),
  state: z.enum(['PENDING', 'ASSESSING', 'AWAITING_APPROVAL', 'READY', 'EXECUTING', 'EXECUTED', 'DENIED', 'SKIPPED', 'FAILED', 'CANCELLED']),
  decision: z.enum(['ALLOW', 'DENY', 'REQUIRE_APPROVAL']).optional(),
  reasons: z.array(ReasonSchema).default([]),
  determiningPolicies: z.array(z.string()).default([]),
});
const RecordedTaskSchema = z.looseObject({
  planVersion: z.string().optional(),
  reasons: z.array(ReasonSchema).optional(),
  steps: z.array(StepViewSchema).optional(),
});
type Recorded = { planVersion?: string; reasons?: ReasonModel[]; steps?: StepView[] };

/** The final task view recorded with the outcome, or (for a task that never started) the reasons in its summary. */
function recordedView(row: TaskRow): Recorded {
  const view = RecordedTaskSchema.safeParse(row.view);
  if (view.success) return view.data as Recorded;
  const summary = RecordedTaskSchema.safeParse(row.summary);
  return summary.success ? (summary.data as Recorded) : {};
}

function recordedStep(row: StepRow | undefined): StepView | undefined {
  const r = StepViewSchema.safeParse(row?.view);
  return r.success ? (r.data as unknown as StepView) : undefined;
}

function derivedState(s: StepRow, approval: ApprovalRow | undefined, taskDone: boolean): StepState {
  if (s.executed) return 'EXECUTED';
  if (s.error) return 'FAILED';
  if (s.decision === 'DENY') return 'DENIED';
  if (approval?.status === 'PENDING') return 'AWAITING_APPROVAL';
  if (approval && approval.status !== 'APPROVED') return approval.status === 'CANCELLED' ? 'CANCELLED' : 'DENIED';
  if (taskDone) return 'SKIPPED';
  // why: a held step is recorded before its approval is; it is waiting for a person either way.
  if (s.decision === 'REQUIRE_APPROVAL' && !approval) return 'AWAITING_APPROVAL';
  return s.decision ? 'EXECUTING' : 'PENDING';
}

function approvalOf(view: StepView | undefined, row: ApprovalRow | undefined): StepModel['approval'] {
  if (row) return { id: row.approvalId, status: row.status as GqlApprovalStatus, expiresAt: row.expiresAt, decidedBy: row.decidedBy };
  if (view?.approval) return { id: view.approval.approvalId, status: view.approval.status, expiresAt: view.approval.expiresAt, decidedBy: view.approval.decidedBy ?? null };
  return null;
}

function stepModel(stepId: string, view: StepView | undefined, row: StepRow | undefined, approval: ApprovalRow | undefined, planStep: { tool: string; args: unknown; dependsOn: string[] } | undefined, done: boolean): StepModel {
  const reasons = view?.reasons ?? row?.reasons ?? [];
  return {
    stepId,
    tool: view?.tool ?? row?.tool ?? planStep?.tool ?? '',
    args: row?.args ?? planStep?.args ?? null,
    dependsOn: view?.dependsOn ?? planStep?.dependsOn ?? [],
    state: view?.state ?? (row ? derivedState(row, approval, done) : done ? 'SKIPPED' : 'PENDING'),
    decision: view?.decision ?? row?.decision ?? null,
    reasons,
    determiningPolicies: view?.determiningPolicies ?? [...new Set(reasons.map((r) => r.policyId).filter((p): p is string => !!p))],
    risk: toRiskModel(view?.risk ?? row?.risk),
    approval: approvalOf(view, approval),
    executed: view?.executed ?? row?.executed ?? false,
    result: row?.result ?? null,
    error: view?.error ?? row?.error ?? null,
  };
}

function stepOrder(row: TaskRow, views: StepView[], rows: StepRow[]): string[] {
  const ids = [...(row.plan?.steps.map((s) => s.stepId) ?? []), ...views.map((v) => v.stepId), ...rows.map((r) => r.stepId)];
  return [...new Set(ids)];
}

/**
 * The task's status: its outcome once done, the live status while the workflow answers, otherwise
 * derived from the steps (a task with any step awaiting approval is awaiting approval, whatever the
 * last recorded step said).
 */
function taskStatus(row: TaskRow, live: TaskView | null, steps: StepModel[]): TaskModel['status'] {
  if (row.status === 'DONE' && row.outcome) return row.outcome;
  if (live) return live.status;
  return steps.some((s) => s.state === 'AWAITING_APPROVAL') || row.status === 'AWAITING_APPROVAL' ? 'AWAITING_APPROVAL' : 'RUNNING';
}

/** Merge everything known about a task into the GraphQL shape. `live` is null once the task is done. */
export function toTaskModel(row: TaskRow, steps: StepRow[], approvals: ApprovalRow[], live: TaskView | null): TaskModel {
  const done = row.status === 'DONE';
  const recorded = recordedView(row);
  const views = (!done && live ? live.steps : recorded.steps) ?? [];
  const byRow = new Map(steps.map((s) => [s.stepId, s]));
  const byView = new Map(views.map((v) => [v.stepId, v]));
  // why: a step's own recorded view is fresher than the task's when there is no live view.
  if (done || !live) {
    for (const s of steps) {
      const v = recordedStep(s);
      if (v) byView.set(s.stepId, v);
    }
  }
  const byApproval = new Map(approvals.map((a) => [a.stepId, a]));
  const byPlan = new Map((row.plan?.steps ?? []).map((s) => [s.stepId, s]));
  const model = stepOrder(row, [...byView.values()], steps).map((id) => stepModel(id, byView.get(id), byRow.get(id), byApproval.get(id), byPlan.get(id), done));
  return {
    id: row.id,
    status: taskStatus(row, live, model),
    outcome: row.outcome ?? (live?.outcome ?? null),
    goal: row.goal,
    agentId: row.agentId,
    tenant: row.tenant,
    submittedBy: row.submittedBy,
    planId: row.plan?.planId ?? live?.planId ?? null,
    planVersion: live?.planVersion ?? recorded.planVersion ?? null,
    riskLevel: toGqlRiskLevel(row.riskLevel ?? live?.riskLevel),
    reasons: (live && !done ? live.reasons : recorded.reasons) ?? [],
    steps: model,
    createdAt: row.createdAt,
    completedAt: row.completedAt,
  };
}

const TERMINAL_STEP_STATES: readonly StepState[] = ['EXECUTED', 'DENIED', 'SKIPPED', 'FAILED', 'CANCELLED', 'AWAITING_APPROVAL'];

/** True once every step has a decision or has settled: what submitTask waits for. */
export function firstDecisionsKnown(view: TaskView): boolean {
  if (view.status !== 'RUNNING') return true;
  return view.steps.length > 0 && view.steps.every((s) => s.decision !== undefined || TERMINAL_STEP_STATES.includes(s.state));
}

/** The same test on the stored model: every step has a decision or a settled state. */
export function modelDecided(model: TaskModel): boolean {
  return model.steps.length > 0 && model.steps.every((s) => s.decision !== null || TERMINAL_STEP_STATES.includes(s.state));
}

/**
 * For a caller-executed task: the caller has something to do (a step is READY) or nothing left to
 * wait for here (every step settled or awaiting a person). why not "every step decided": a step
 * depending on a READY one is decided only after the caller reports, and the caller is the one waiting.
 */
export function modelActionable(model: TaskModel): boolean {
  return model.steps.some((s) => s.state === 'READY') || (model.steps.length > 0 && model.steps.every((s) => TERMINAL_STEP_STATES.includes(s.state)));
}
