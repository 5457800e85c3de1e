/** @module Steps of a task: the decision, its reasons and risk, and what execution produced. */
import { z } from 'zod';
import { DECISIONS, RISK_LEVELS, type Decision, type DecisionReason, type RiskAssessment } from '../../governance/types.js';
import { parseOrFail } from '../../lib/validation.js';
import type { Queryable } from '../pool.js';
import { iso, jsonParam, readJson } from '../rows.js';

export const DecisionReasonSchema = z.object({ code: z.string(), message: z.string(), policyId: z.string().optional(), retryAt: z.string().optional() });
export const RiskAssessmentSchema = z.object({
  score: z.number().min(0).max(100),
  level: z.enum(RISK_LEVELS),
  factors: z.array(z.object({ code: z.string(), weight: z.number(), explanation: z.string() })),
});
const ErrorSchema = z.looseObject({ code: z.string().optional(), message: z.string() });

export interface Step {
  taskId: string;
  stepId: string;
  tool: string;
  args: Record<string, unknown>;
  decision: Decision | null;
  reasons: DecisionReason[];
  risk: RiskAssessment | null;
  approvalId: string | null;
  executed: boolean;
  result: unknown;
  error: z.infer<typeof ErrorSchema> | null;
  /** The workflow's latest view of the step (recordStep); untrusted JSON until its reader parses it. */
  view: unknown;
  createdAt: string;
  updatedAt: string;
}

interface StepRow {
  task_id: string;
  step_id: string;
  tool: string;
  args: unknown;
  decision: Decision | null;
  reasons: unknown;
  risk: unknown;
  approval_id: string | null;
  executed: boolean;
  result: unknown;
  error: unknown;
  view?: unknown;
  created_at: Date;
  updated_at: Date;
}
const COLUMNS = 'task_id, step_id, tool, args, decision, reasons, risk, approval_id, executed, result, error, view, created_at, updated_at';
const ArgsSchema = z.record(z.string(), z.unknown());

function toStep(r: StepRow): Step {
  return {
    taskId: r.task_id, stepId: r.step_id, tool: r.tool, args: readJson(ArgsSchema, r.args, 'steps.args'), decision: r.decision,
    reasons: readJson(z.array(DecisionReasonSchema), r.reasons, 'steps.reasons'),
    risk: r.risk === null ? null : readJson(RiskAssessmentSchema, r.risk, 'steps.risk'),
    approvalId: r.approval_id, executed: r.executed, result: r.result,
    error: r.error === null ? null : readJson(ErrorSchema, r.error, 'steps.error'), view: r.view ?? null, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

const StepInputSchema = z.object({
  taskId: z.string().min(1).max(256),
  stepId: z.string().min(1).max(128),
  tool: z.string().min(1).max(128),
  args: ArgsSchema.default({}),
  decision: z.enum(DECISIONS).optional(),
  reasons: z.array(DecisionReasonSchema).optional(),
  risk: RiskAssessmentSchema.optional(),
  approvalId: z.string().min(1).optional(),
  executed: z.boolean().optional(),
  result: z.unknown().optional(),
  error: ErrorSchema.optional(),
});
export type StepInput = z.input<typeof StepInputSchema>;

/**
 * Create the step or merge into it: fields given overwrite, fields absent keep their value, so the
 * assess, approve and execute activities can each record their part (and retry) independently.
 */
export async function upsertStep(db: Queryable, input: StepInput): Promise<Step> {
  const s = parseOrFail(StepInputSchema, input, 'step');
  const r = await db.query<StepRow>(
    `INSERT INTO steps (task_id, step_id, tool, args, decision, reasons, risk, approval_id, executed, result, error)
     VALUES ($1::text, $2::text, $3::text, $4::jsonb, $5::text, coalesce($6::jsonb, '[]'::jsonb), $7::jsonb, $8::text, coalesce($9::boolean, false), $10::jsonb, $11::jsonb)
     ON CONFLICT (task_id, step_id) DO UPDATE SET
       decision = coalesce(EXCLUDED.decision, steps.decision), reasons = coalesce($6::jsonb, steps.reasons), risk = coalesce(EXCLUDED.risk, steps.risk),
       approval_id = coalesce(EXCLUDED.approval_id, steps.approval_id), executed = coalesce($9::boolean, steps.executed),
       result = coalesce(EXCLUDED.result, steps.result), error = coalesce(EXCLUDED.error, steps.error), updated_at = now()
     RETURNING ${COLUMNS}`,
    [s.taskId, s.stepId, s.tool, jsonParam(s.args), s.decision ?? null, jsonParam(s.reasons), jsonParam(s.risk), s.approvalId ?? null, s.executed ?? null, jsonParam(s.result), jsonParam(s.error)],
  );
  return toStep(r.rows[0]!);
}

export async function getStep(db: Queryable, taskId: string, stepId: string): Promise<Step | null> {
  const r = await db.query<StepRow>(`SELECT ${COLUMNS} FROM steps WHERE task_id = $1::text AND step_id = $2::text`, [taskId, stepId]);
  return r.rows[0] ? toStep(r.rows[0]) : null;
}

/** A task's steps in the order they were first recorded. */
export async function listSteps(db: Queryable, taskId: string): Promise<Step[]> {
  const r = await db.query<StepRow>(`SELECT ${COLUMNS} FROM steps WHERE task_id = $1::text ORDER BY created_at, step_id`, [taskId]);
  return r.rows.map(toStep);
}

/** For queries that read this table together with others (task-bundle.ts). */
export { COLUMNS as STEP_COLUMNS, toStep, type StepRow };
