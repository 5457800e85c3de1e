/** @module Steps and approvals of tasks, through db/queries, in the shapes the API's store speaks. */
import { decideApproval, getApproval, listApprovals, type Approval } from '../../db/queries/approvals.js';
import { listSteps, type Step } from '../../db/queries/steps.js';
import { getTaskBundle } from '../../db/queries/task-bundle.js';
import { getTask } from '../../db/queries/tasks.js';
import { listTenants } from '../../db/queries/tenants.js';
import type { Queryable } from '../../db/pool.js';
import type { ApprovalRow, StepRow, TaskRow } from '../services/store.js';

export async function listStepsOf(db: Queryable, taskId: string): Promise<StepRow[]> {
  return (await listSteps(db, taskId)).map(stepRow);
}

/** The task row with its steps and approvals, read in one round trip. */
export async function getTaskRows(db: Queryable, tenant: string, id: string): Promise<{ row: TaskRow; steps: StepRow[]; approvals: ApprovalRow[] } | null> {
  const b = await getTaskBundle(db, tenant, id);
  return b ? { row: b.task, steps: b.steps.map(stepRow), approvals: b.approvals.map(approvalRow) } : null;
}

function stepRow(s: Step): StepRow {
  return ({
    taskId: s.taskId, stepId: s.stepId, tool: s.tool, args: s.args, decision: s.decision, reasons: s.reasons, risk: s.risk,
    approvalId: s.approvalId, executed: s.executed, result: s.result,
    error: s.error ? { code: s.error.code ?? 'ERROR', message: s.error.message } : null, view: s.view, updatedAt: s.updatedAt,
  });
}

/** The task row, with the view recorded by recordOutcome. */
export async function getTaskWithView(db: Queryable, tenant: string, id: string): Promise<TaskRow | null> {
  return getTask(db, tenant, id);
}

function approvalRow(a: Approval): ApprovalRow {
  return { ...a };
}

export async function getApprovalRow(db: Queryable, tenant: string, id: string): Promise<ApprovalRow | null> {
  const a = await getApproval(db, tenant, id);
  return a ? approvalRow(a) : null;
}

export async function listApprovalsForTask(db: Queryable, tenant: string, taskId: string): Promise<ApprovalRow[]> {
  return (await listApprovals(db, tenant, { taskId })).map(approvalRow);
}

/** Pending, unexpired approvals, oldest first, of one tenant or (null) of every tenant. */
export async function listPendingApprovals(db: Queryable, tenant: string | null, limit: number, now: Date): Promise<ApprovalRow[]> {
  const tenants = tenant === null ? (await listTenants(db)).map((t) => t.id) : [tenant];
  const all: ApprovalRow[] = [];
  for (const t of tenants) all.push(...(await listApprovals(db, t, { status: 'PENDING' })).map(approvalRow));
  return all
    .filter((a) => Date.parse(a.expiresAt) > now.getTime())
    .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.approvalId.localeCompare(b.approvalId))
    .slice(0, limit);
}

/** The atomic decide of db/queries; null when another decision (or the deadline) won. */
export async function decideApprovalRow(db: Queryable, d: { tenant: string; approvalId: string; status: 'APPROVED' | 'DENIED'; decidedBy: string; reason: string; decidedAt: Date }): Promise<ApprovalRow | null> {
  const r = await decideApproval(db, { tenant: d.tenant, approvalId: d.approvalId, verdict: d.status, decidedBy: d.decidedBy, reason: d.reason, now: d.decidedAt });
  return r.ok ? approvalRow(r.approval) : null;
}
