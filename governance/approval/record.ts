/**
 * @module Approval records and their binding. An approval is bound to exactly one version of one
 * step: `binding = digestJson({ taskId, stepId, tool, argsDigest, planVersion })`. If any of those
 * change after the request, the approval no longer matches and cannot be decided.
 */
import { z } from 'zod';
import { digestJson } from '../../lib/canonical-json.js';
import { parseOrFail } from '../../lib/validation.js';
import { RISK_LEVELS } from '../types.js';

export const APPROVAL_STATUSES = ['PENDING', 'APPROVED', 'DENIED', 'EXPIRED'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

const id = z.string().min(1).max(256);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest');
const isoTime = z.iso.datetime({ offset: true });

export const PlanVersionSchema = z.union([z.string().min(1).max(128), z.number().int().nonnegative()]);

export const BindingFieldsSchema = z.object({
  taskId: id,
  stepId: id,
  tool: id,
  argsDigest: sha256,
  planVersion: PlanVersionSchema,
});
export type BindingFields = z.infer<typeof BindingFieldsSchema>;

const RiskSchema = z.object({
  score: z.number().min(0).max(100),
  level: z.enum(RISK_LEVELS),
  factors: z.array(z.object({ code: z.string(), weight: z.number(), explanation: z.string() })),
});

export const ApprovalRecordSchema = BindingFieldsSchema.extend({
  approvalId: id,
  tenant: z.string().min(1).max(128),
  binding: sha256,
  requestedAt: isoTime,
  expiresAt: isoTime,
  status: z.enum(APPROVAL_STATUSES),
  /** Who submitted the task: never allowed to decide its approvals. */
  submittedBy: id,
  /** The agent's delegation chain (outermost first): nobody in it may decide. */
  actingFor: z.array(id),
  /** The agent that asked; it may not decide either. */
  agentId: id.optional(),
  decidedBy: id.optional(),
  decidedAt: isoTime.optional(),
  reason: z.string().max(4000).optional(),
  /** The policies that asked for approval. */
  policyIds: z.array(z.string()),
  risk: RiskSchema.optional(),
});
export type ApprovalRecord = z.infer<typeof ApprovalRecordSchema>;

/** The binding hash of one step version: what an approver's decision is tied to. */
export function approvalBinding(fields: BindingFields): string {
  return bindingOf(parseOrFail(BindingFieldsSchema, fields, 'approval binding'));
}

/** @internal the digest without validation, for records already parsed at the edge; never throws. */
export function bindingOf(f: BindingFields): string {
  return digestJson({ taskId: f.taskId, stepId: f.stepId, tool: f.tool, argsDigest: f.argsDigest, planVersion: f.planVersion });
}

export const ApprovalRequestSchema = ApprovalRecordSchema.pick({
  approvalId: true, tenant: true, taskId: true, stepId: true, tool: true, argsDigest: true, planVersion: true,
  submittedBy: true, actingFor: true, agentId: true, policyIds: true, risk: true,
}).extend({ ttlSeconds: z.number().int().min(1).max(30 * 24 * 3600) });
export type ApprovalRequest = z.input<typeof ApprovalRequestSchema>;

/** Open a PENDING approval bound to the step as it is now. Throws BAD_USER_INPUT naming the field. */
export function openApproval(request: ApprovalRequest, now: Date): ApprovalRecord {
  const { ttlSeconds, ...r } = parseOrFail(ApprovalRequestSchema, request, 'approval request');
  return {
    ...r,
    binding: approvalBinding(r),
    requestedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
    status: 'PENDING',
  };
}

/** A PENDING approval whose deadline has passed becomes EXPIRED (decidedAt = the deadline); anything else is returned unchanged. */
export function expireIfDue(approval: ApprovalRecord, now: Date): ApprovalRecord {
  if (approval.status !== 'PENDING' || now.getTime() < Date.parse(approval.expiresAt)) return approval;
  return { ...approval, status: 'EXPIRED', decidedAt: approval.expiresAt };
}
