/**
 * @module Shapes of the governed-task payloads as recorded in history (see workflows/contract.ts).
 * A history is an edge: every decoded payload is checked here, loosely (unknown extra fields are
 * kept, only what the record reads is required), and a payload that does not fit is reported by field.
 */
import { z } from 'zod';
import { DECISIONS, ExecutionPlanSchema, RISK_LEVELS } from '../../governance/types.js';
import { zodIssues } from '../../lib/validation.js';
import { isAssessment, isRecordStep, isReserveResult, isSettleInput, isStepRef, isToolRun } from './guards.js';

const Reason = z.looseObject({ code: z.string(), message: z.string(), policyId: z.string().optional() });
const Risk = z.looseObject({ score: z.number(), level: z.enum(RISK_LEVELS), factors: z.array(z.looseObject({ code: z.string(), weight: z.number(), explanation: z.string() })) });
const Usage = z.looseObject({ costUsd: z.number(), tokens: z.number(), wallTimeMs: z.number() });
const Principal = z.looseObject({ kind: z.string(), id: z.string() });

export const TaskInputSchema = z.looseObject({
  taskId: z.string(),
  tenant: z.string(),
  agentId: z.string(),
  credential: z.looseObject({ id: z.string(), keyId: z.string(), actingFor: z.array(z.string()) }),
  submittedBy: Principal,
  goal: z.string(),
  source: z.looseObject({ format: z.string() }),
  approvalTimeoutMs: z.number().optional(),
  submittedAt: z.string().optional(),
});

export const StepRefSchema = z.looseObject({ stepId: z.string() });

export const ExtractResultSchema = z.union([
  z.looseObject({ ok: z.literal(true), plan: ExecutionPlanSchema, planVersion: z.string() }),
  z.looseObject({ ok: z.literal(false), reason: Reason }),
]);

export const IdentitySchema = z.looseObject({
  agentId: z.string(), tenant: z.string(), capabilities: z.array(z.string()), actingFor: z.array(z.string()),
  credentialId: z.string(), keyId: z.string(), expiresAt: z.string(),
});

export const AuthResultSchema = z.union([
  z.looseObject({ ok: z.literal(true), identity: IdentitySchema }),
  z.looseObject({ ok: z.literal(false), reason: Reason }),
]);

export const AssessmentSchema = z.looseObject({
  stepId: z.string(),
  tool: z.string(),
  decision: z.enum(DECISIONS),
  reasons: z.array(Reason),
  determiningPolicies: z.array(z.string()),
  policySetVersion: z.string(),
  risk: Risk,
  tainted: z.boolean(),
  taintSources: z.array(z.string()),
  argsDigest: z.string(),
  evaluatedAt: z.string(),
  inputs: z.looseObject({
    toolDigest: z.string().optional(),
    budget: z.looseObject({ fractionUsed: z.number(), exhausted: z.boolean() }).optional(),
    args: z.record(z.string(), z.unknown()),
  }).optional(),
});

export const ApprovalRequestSchema = z.looseObject({ stepId: z.string(), tool: z.string(), argsDigest: z.string(), timeoutMs: z.number().optional() });
export const TicketSchema = z.looseObject({ approvalId: z.string(), expiresAt: z.string(), binding: z.string().optional(), refused: z.object({ code: z.string(), message: z.string() }).optional() });
export const DecisionSignalSchema = z.looseObject({ approvalId: z.string(), decision: z.enum(['APPROVE', 'DENY']), decidedBy: z.string(), reason: z.string() });
export const CancelSignalSchema = z.looseObject({ reason: z.string(), requestedBy: z.string() });
export const ExpireInputSchema = z.looseObject({ approvalId: z.string() });
export const ExpireResultSchema = z.union([
  z.looseObject({ status: z.literal('EXPIRED') }),
  z.looseObject({ status: z.literal('DECIDED'), decision: DecisionSignalSchema }),
]);
export const ReserveResultSchema = z.union([
  z.looseObject({ ok: z.literal(true), reservationKey: z.string() }),
  z.looseObject({ ok: z.literal(false), reason: Reason }),
]);
export const ToolRunSchema = z.looseObject({
  ok: z.boolean(), resultDigest: z.string(), error: z.looseObject({ code: z.string(), message: z.string() }).optional(), usage: Usage,
});
export const SettleInputSchema = z.looseObject({ stepId: z.string().optional(), reservationKey: z.string(), usage: Usage.nullable() });
export const RecordStepSchema = z.looseObject({
  view: z.looseObject({ stepId: z.string(), tool: z.string(), state: z.string(), reasons: z.array(Reason), executed: z.boolean().optional() }),
});
export const RecordOutcomeSchema = z.looseObject({
  view: z.looseObject({ status: z.string(), outcome: z.string().optional(), reasons: z.array(Reason), riskLevel: z.string().optional() }),
});

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

// why: the per-step shapes, met thousands of times in a long history, are recognised by a cheap
// guard (guards.ts) and used as they are; zod still decides everything the guard does not accept.
const GUARDS = new Map<z.ZodType, (v: unknown) => boolean>([
  [AssessmentSchema, isAssessment], [StepRefSchema, isStepRef], [ReserveResultSchema, isReserveResult],
  [ToolRunSchema, isToolRun], [SettleInputSchema, isSettleInput], [RecordStepSchema, isRecordStep],
]);

/** Check a decoded payload; the message names the first offending field. */
export function check<S extends z.ZodType>(schema: S, value: unknown, what: string): Checked<z.output<S>> {
  if (GUARDS.get(schema)?.(value)) return { ok: true, value: value as z.output<S> };
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const first = zodIssues(r.error)[0];
  return { ok: false, message: `${what} does not have the recorded shape: \`${first?.path ?? '(root)'}\`: ${first?.message ?? 'invalid'}` };
}
