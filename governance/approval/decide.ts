/**
 * @module Decide a bound approval: pure rules, no I/O. Refuses decisions from another tenant,
 * without the approver role, on decided or expired approvals, from the task's submitter or anyone in
 * the agent's delegation chain (separation of duties), and on a binding that no longer matches.
 */
import { z } from 'zod';
import { zodIssues } from '../../lib/validation.js';
import { RoleSchema } from '../identity/roles.js';
import { bindingOf, type ApprovalRecord } from './record.js';

export const DecisionInputSchema = z.object({
  approvalId: z.string().min(1).max(256),
  decision: z.enum(['APPROVE', 'DENY']),
  reason: z.string().max(4000).default(''),
  decidedBy: z.object({ id: z.string().min(1).max(256), roles: z.array(RoleSchema), tenant: z.string().min(1).max(128) }),
  /** The binding the approver was shown; when given it must match the record's. */
  binding: z.string().max(128).optional(),
});
export type DecisionInput = z.input<typeof DecisionInputSchema>;

export type DecideErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'EXPIRED' | 'BINDING_MISMATCH' | 'BAD_USER_INPUT';
export interface DecideError {
  code: DecideErrorCode;
  message: string;
}
export type DecideResult = { ok: true; next: ApprovalRecord } | { ok: false; error: DecideError };

const refuse = (code: DecideErrorCode, message: string): DecideResult => ({ ok: false, error: { code, message } });
// why: ids are compared case- and space-insensitively so `Alice` cannot approve what `alice` submitted.
const same = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Apply an approver's decision to a PENDING approval, or say with a stable code why not. */
export function decideApproval(approval: ApprovalRecord, decision: DecisionInput, now: Date): DecideResult {
  const parsed = DecisionInputSchema.safeParse(decision);
  if (!parsed.success) {
    const issue = zodIssues(parsed.error)[0];
    return refuse('BAD_USER_INPUT', `invalid decision: \`${issue?.path ?? '(root)'}\`: ${issue?.message ?? 'invalid'}`);
  }
  const d = parsed.data;
  const refusal = accessRefusal(approval, d) ?? stateRefusal(approval, now) ?? dutyRefusal(approval, d.decidedBy.id) ?? bindingRefusal(approval, d.binding);
  if (refusal) return refusal;
  const reason = d.reason.trim();
  if (d.decision === 'DENY' && reason === '') return refuse('BAD_USER_INPUT', 'a denial needs a reason');
  return {
    ok: true,
    next: { ...approval, status: d.decision === 'APPROVE' ? 'APPROVED' : 'DENIED', decidedBy: d.decidedBy.id, decidedAt: now.toISOString(), reason },
  };
}

type Decision = z.output<typeof DecisionInputSchema>;

// why: another tenant's approval answers NOT_FOUND, like a missing one, so ids cannot be probed across tenants.
function accessRefusal(a: ApprovalRecord, d: Decision): DecideResult | null {
  if (d.approvalId !== a.approvalId || d.decidedBy.tenant !== a.tenant) return refuse('NOT_FOUND', `approval \`${d.approvalId}\` was not found`);
  if (!d.decidedBy.roles.includes('approver')) return refuse('FORBIDDEN', `\`${d.decidedBy.id}\` does not hold the \`approver\` role`);
  return null;
}

function stateRefusal(a: ApprovalRecord, now: Date): DecideResult | null {
  if (a.status === 'EXPIRED') return refuse('EXPIRED', `approval \`${a.approvalId}\` expired at \`${a.expiresAt}\``);
  if (a.status !== 'PENDING') return refuse('CONFLICT', `approval \`${a.approvalId}\` was already decided: \`${a.status}\``);
  if (now.getTime() >= Date.parse(a.expiresAt)) return refuse('EXPIRED', `approval \`${a.approvalId}\` expired at \`${a.expiresAt}\``);
  return null;
}

function dutyRefusal(a: ApprovalRecord, who: string): DecideResult | null {
  if (same(who, a.submittedBy)) {
    return refuse('FORBIDDEN', `\`${who}\` submitted this task and cannot decide its approvals: separation of duties needs a second person`);
  }
  if (a.actingFor.some((p) => same(p, who))) {
    return refuse('FORBIDDEN', `\`${who}\` is in the agent's delegation chain and cannot decide its approvals: separation of duties needs someone outside it`);
  }
  if (a.agentId !== undefined && same(a.agentId, who)) return refuse('FORBIDDEN', `\`${who}\` is the agent that asked and cannot decide its own approval`);
  return null;
}

function bindingRefusal(a: ApprovalRecord, seen: string | undefined): DecideResult | null {
  // INVARIANT: the record's binding is recomputed, so a record whose step fields were edited after the request is refused.
  if (bindingOf(a) !== a.binding) return refuse('BINDING_MISMATCH', `approval \`${a.approvalId}\` no longer matches its step: the step changed after approval was requested`);
  if (seen !== undefined && seen !== a.binding) return refuse('BINDING_MISMATCH', `the approver saw binding \`${seen.slice(0, 16)}\`, not the current \`${a.binding.slice(0, 16)}\`: reload the step and decide again`);
  return null;
}
