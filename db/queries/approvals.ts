/**
 * @module Approvals: a step held for a human decision, bound to the exact tool, arguments digest and
 * plan version it was requested for. `decideApproval` is a single conditional UPDATE, so of two
 * racing decisions exactly one wins and the other learns it lost.
 */
import { z } from 'zod';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';
import type { Queryable } from '../pool.js';
import { iso, isoOrNull, jsonParam, readJson } from '../rows.js';
import { RiskAssessmentSchema } from './steps.js';

export const APPROVAL_STATUSES = ['PENDING', 'APPROVED', 'DENIED', 'EXPIRED', 'CANCELLED'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export interface Approval {
  approvalId: string;
  tenant: string;
  taskId: string;
  stepId: string;
  tool: string;
  argsDigest: string;
  planVersion: string;
  binding: string;
  status: ApprovalStatus;
  requestedAt: string;
  expiresAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
  submittedBy: string;
  actingFor: string[];
  policyIds: string[];
  risk: z.infer<typeof RiskAssessmentSchema> | null;
}

interface ApprovalRow {
  approval_id: string;
  tenant: string;
  task_id: string;
  step_id: string;
  tool: string;
  args_digest: string;
  plan_version: string;
  binding: string;
  status: ApprovalStatus;
  requested_at: Date;
  expires_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  reason: string | null;
  submitted_by: string;
  acting_for: string[];
  policy_ids: string[];
  risk: unknown;
}
const COLUMNS =
  'approval_id, tenant, task_id, step_id, tool, args_digest, plan_version, binding, status, requested_at, expires_at, decided_at, decided_by, reason, submitted_by, acting_for, policy_ids, risk';

function toApproval(r: ApprovalRow): Approval {
  return {
    approvalId: r.approval_id, tenant: r.tenant, taskId: r.task_id, stepId: r.step_id, tool: r.tool, argsDigest: r.args_digest, planVersion: r.plan_version,
    binding: r.binding, status: r.status, requestedAt: iso(r.requested_at), expiresAt: iso(r.expires_at), decidedAt: isoOrNull(r.decided_at),
    decidedBy: r.decided_by, reason: r.reason, submittedBy: r.submitted_by, actingFor: r.acting_for, policyIds: r.policy_ids,
    risk: r.risk === null ? null : readJson(RiskAssessmentSchema, r.risk, 'approvals.risk'),
  };
}

const id = z.string().min(1).max(256);
const OpenSchema = z.object({
  approvalId: id, tenant: id, taskId: id, stepId: id, tool: id,
  argsDigest: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest'),
  planVersion: z.string().min(1).max(256),
  binding: z.string().min(1).max(512),
  requestedAt: z.date(),
  expiresAt: z.date(),
  submittedBy: id,
  actingFor: z.array(id).default([]),
  policyIds: z.array(id).default([]),
  risk: RiskAssessmentSchema.nullable().default(null),
}).refine((a) => a.expiresAt > a.requestedAt, { message: 'must be after requestedAt', path: ['expiresAt'] });

/** Open an approval; idempotent by approvalId (a retried activity gets the first row). */
export async function openApproval(db: Queryable, input: z.input<typeof OpenSchema>): Promise<Approval> {
  const a = parseOrFail(OpenSchema, input, 'approval');
  await db.query(
    `INSERT INTO approvals (approval_id, tenant, task_id, step_id, tool, args_digest, plan_version, binding, requested_at, expires_at, submitted_by, acting_for, policy_ids, risk)
     VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::timestamptz, $10::timestamptz, $11::text, $12::text[], $13::text[], $14::jsonb)
     ON CONFLICT (approval_id) DO NOTHING`,
    [a.approvalId, a.tenant, a.taskId, a.stepId, a.tool, a.argsDigest, a.planVersion, a.binding, a.requestedAt, a.expiresAt, a.submittedBy, a.actingFor, a.policyIds, jsonParam(a.risk)],
  );
  const stored = await getApproval(db, a.tenant, a.approvalId);
  if (!stored) throw new InterceptorError('CONFLICT', `approval \`${a.approvalId}\` already exists`);
  return stored;
}

/**
 * How many approvals `submittedBy` has waiting for a person (pending and not yet past their expiry),
 * counted under a transaction lock of that submitter's queue, so that two requests at once cannot
 * both take its last place. `tx` must be a transaction.
 */
export async function pendingApprovalsLocked(tx: Queryable, tenant: string, submittedBy: string, now: Date): Promise<number> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('approvals:' || $1::text || ':' || $2::text, 0))", [tenant, submittedBy]);
  const r = await tx.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM approvals WHERE tenant = $1::text AND status = 'PENDING' AND submitted_by = $2::text AND expires_at > $3::timestamptz",
    [tenant, submittedBy, now],
  );
  return r.rows[0]!.n;
}

/** The approval, only if it belongs to `tenant`. */
export async function getApproval(db: Queryable, tenant: string, approvalId: string): Promise<Approval | null> {
  const r = await db.query<ApprovalRow>(`SELECT ${COLUMNS} FROM approvals WHERE tenant = $1::text AND approval_id = $2::text`, [tenant, approvalId]);
  return r.rows[0] ? toApproval(r.rows[0]) : null;
}

export async function listApprovals(db: Queryable, tenant: string, opts: { status?: ApprovalStatus; taskId?: string } = {}): Promise<Approval[]> {
  const r = await db.query<ApprovalRow>(
    `SELECT ${COLUMNS} FROM approvals WHERE tenant = $1::text AND ($2::text IS NULL OR status = $2::text) AND ($3::text IS NULL OR task_id = $3::text)
      ORDER BY requested_at, approval_id`,
    [tenant, opts.status ?? null, opts.taskId ?? null],
  );
  return r.rows.map(toApproval);
}

const DecideSchema = z.object({
  tenant: id,
  approvalId: id,
  verdict: z.enum(['APPROVED', 'DENIED']),
  decidedBy: id,
  reason: z.string().max(4000).default(''),
  now: z.date(),
});

export type DecideResult =
  | { ok: true; approval: Approval }
  | { ok: false; code: 'NOT_FOUND' }
  | { ok: false; code: 'ALREADY_DECIDED' | 'EXPIRED'; approval: Approval };

/**
 * Decide a pending, unexpired approval. Only one decision ever lands: a second (or concurrent) one
 * gets ALREADY_DECIDED with the winning decision; one after the deadline gets EXPIRED.
 */
export async function decideApproval(db: Queryable, input: z.input<typeof DecideSchema>): Promise<DecideResult> {
  const d = parseOrFail(DecideSchema, input, 'approval decision');
  const r = await db.query<ApprovalRow>(
    `UPDATE approvals SET status = $3::text, decided_by = $4::text, reason = $5::text, decided_at = $6::timestamptz
      WHERE tenant = $1::text AND approval_id = $2::text AND status = 'PENDING' AND expires_at > $6::timestamptz
      RETURNING ${COLUMNS}`,
    [d.tenant, d.approvalId, d.verdict, d.decidedBy, d.reason, d.now],
  );
  if (r.rows[0]) return { ok: true, approval: toApproval(r.rows[0]) };
  const current = await getApproval(db, d.tenant, d.approvalId);
  if (!current) return { ok: false, code: 'NOT_FOUND' };
  return { ok: false, code: current.status === 'PENDING' ? 'EXPIRED' : 'ALREADY_DECIDED', approval: current };
}

/** Close a pending approval without a human verdict (deadline passed, or task cancelled); null if it was not pending. */
export async function closeApproval(db: Queryable, input: { tenant: string; approvalId: string; status: 'EXPIRED' | 'CANCELLED'; reason: string; now: Date }): Promise<Approval | null> {
  const r = await db.query<ApprovalRow>(
    `UPDATE approvals SET status = $3::text, reason = $4::text, decided_at = $5::timestamptz, decided_by = 'system'
      WHERE tenant = $1::text AND approval_id = $2::text AND status = 'PENDING' RETURNING ${COLUMNS}`,
    [input.tenant, input.approvalId, input.status, input.reason, input.now],
  );
  return r.rows[0] ? toApproval(r.rows[0]) : null;
}

/** Close every approval of a task still waiting (the task ended without a decision): they leave the approvers' queue. */
export async function closePendingApprovalsOfTask(db: Queryable, input: { tenant: string; taskId: string; reason: string; now: Date }): Promise<Approval[]> {
  const r = await db.query<ApprovalRow>(
    `UPDATE approvals SET status = 'CANCELLED', reason = $3::text, decided_at = $4::timestamptz, decided_by = 'system'
      WHERE tenant = $1::text AND task_id = $2::text AND status = 'PENDING' RETURNING ${COLUMNS}`,
    [input.tenant, input.taskId, input.reason, input.now],
  );
  return r.rows.map(toApproval);
}

/** For queries that read this table together with others (task-bundle.ts). */
export { COLUMNS as APPROVAL_COLUMNS, toApproval, type ApprovalRow };
