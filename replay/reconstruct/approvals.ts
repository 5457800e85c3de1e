/** @module Facts of approvals (requestApproval, the approvalDecision signal, expireApproval) and cancellation. */
import type { ActivityCall } from './facts.js';
import { ApprovalRequestSchema, CancelSignalSchema, DecisionSignalSchema, ExpireInputSchema, ExpireResultSchema, TicketSchema, check } from './schemas.js';
import { SYSTEM, callAt, callEventIds, msBetween, type ReplayState } from './state.js';
import type { NormalEvent } from '../history/events.js';
import type { ApprovalRecord } from './types.js';
import type { z } from 'zod';

export function onRequestApproval(s: ReplayState, call: ActivityCall): void {
  const input = check(ApprovalRequestSchema, call.input, 'requestApproval input');
  const ticket = check(TicketSchema, call.result, 'requestApproval result');
  if (!input.ok || !ticket.ok) return s.unknown(call, input.ok ? (ticket as { message: string }).message : input.message);
  const { stepId, tool } = input.value;
  // no approval was opened: the submitter already had too many waiting, and the step was denied
  if (ticket.value.refused) {
    s.add({
      at: callAt(call), kind: 'approval.refused', stepId, actor: SYSTEM, eventIds: callEventIds(call),
      summary: `no approval opened for step \`${stepId}\` (\`${tool}\`): ${ticket.value.refused.message}`,
      data: { tool, argsDigest: input.value.argsDigest, reason: ticket.value.refused },
    });
    return;
  }
  const a: ApprovalRecord = { approvalId: ticket.value.approvalId, stepId, tool, status: 'PENDING', expiresAt: ticket.value.expiresAt, ...(callAt(call) ? { requestedAt: callAt(call) } : {}) };
  s.approvals.set(a.approvalId, a);
  s.step(stepId, tool).approval = a;
  s.add({
    at: callAt(call), kind: 'approval.requested', stepId, actor: SYSTEM, eventIds: callEventIds(call),
    summary: `approval \`${a.approvalId}\` requested for step \`${stepId}\` (\`${tool}\`), expires ${a.expiresAt}`,
    data: { approvalId: a.approvalId, tool, argsDigest: input.value.argsDigest, expiresAt: a.expiresAt, binding: ticket.value.binding },
  });
}

function decide(s: ReplayState, d: z.output<typeof DecisionSignalSchema>, at: string | undefined, eventIds: number[], via: ApprovalRecord['via']): void {
  const a = s.approvals.get(d.approvalId);
  // why: the workflow keeps the first decision per approval; later signals change nothing.
  if (a && a.status !== 'PENDING') return;
  const status = d.decision === 'APPROVE' ? 'APPROVED' : 'DENIED';
  if (a) {
    Object.assign(a, { status, decidedBy: d.decidedBy, reason: d.reason, via, ...(at ? { decidedAt: at } : {}) });
    s.awaitingApprovalMs += msBetween(a.requestedAt, at) ?? 0;
    const step = s.step(a.stepId);
    if (status === 'DENIED') {
      step.decision = 'DENY';
    }
  }
  s.add({
    at, kind: 'approval.decided', ...(a ? { stepId: a.stepId } : {}), actor: { kind: 'user', id: d.decidedBy }, eventIds,
    summary: `approval \`${d.approvalId}\` ${status.toLowerCase()} by \`${d.decidedBy}\`${d.reason ? `: ${d.reason}` : ''}`,
    data: { approvalId: d.approvalId, decision: d.decision, decidedBy: d.decidedBy, reason: d.reason, via, known: a !== undefined },
  });
}

export function onExpire(s: ReplayState, call: ActivityCall): void {
  const input = check(ExpireInputSchema, call.input, 'expireApproval input');
  const r = check(ExpireResultSchema, call.result, 'expireApproval result');
  if (!input.ok || !r.ok) return s.unknown(call, input.ok ? (r as { message: string }).message : input.message);
  if (r.value.status === 'DECIDED') return decide(s, r.value.decision, callAt(call), callEventIds(call), 'expire-check');
  const a = s.approvals.get(input.value.approvalId);
  if (a && a.status === 'PENDING') {
    a.status = 'EXPIRED';
    s.awaitingApprovalMs += msBetween(a.requestedAt, callAt(call)) ?? 0;
    s.step(a.stepId).decision = 'DENY';
  }
  s.add({
    at: callAt(call), kind: 'approval.expired', ...(a ? { stepId: a.stepId } : {}), actor: SYSTEM, eventIds: callEventIds(call),
    summary: `approval \`${input.value.approvalId}\` expired without a decision`,
    data: { approvalId: input.value.approvalId, expiresAt: a?.expiresAt },
  });
}

export function onSignal(s: ReplayState, e: NormalEvent, name: string, payload: unknown): void {
  if (name === 'approvalDecision') {
    const d = check(DecisionSignalSchema, payload, 'approvalDecision signal');
    s.add({ at: e.at, kind: 'signal.received', actor: d.ok ? { kind: 'user', id: d.value.decidedBy } : SYSTEM, eventIds: [e.id], summary: `signal \`approvalDecision\` received`, data: { name, ...(d.ok ? { approvalId: d.value.approvalId, decision: d.value.decision } : {}) } });
    if (!d.ok) return void s.unrecognised.push({ eventId: e.id, type: e.type, message: d.message });
    return decide(s, d.value, e.at, [e.id], 'signal');
  }
  if (name === 'cancel') {
    const c = check(CancelSignalSchema, payload, 'cancel signal');
    const by = c.ok ? c.value.requestedBy : 'unknown';
    s.add({ at: e.at, kind: 'signal.received', actor: { kind: 'user', id: by }, eventIds: [e.id], summary: `signal \`cancel\` received from \`${by}\``, data: { name, ...(c.ok ? { reason: c.value.reason, requestedBy: by } : {}) } });
    if (!c.ok) s.unrecognised.push({ eventId: e.id, type: e.type, message: c.message });
    return;
  }
  s.add({ at: e.at, kind: 'signal.received', actor: SYSTEM, eventIds: [e.id], summary: `signal \`${name}\` received`, data: { name } });
  s.unrecognised.push({ eventId: e.id, type: e.type, message: `signal \`${name}\` is not one of the governed-task signals` });
}

export function onCancelRequested(s: ReplayState, e: NormalEvent, cause: string | undefined): void {
  s.add({ at: e.at, kind: 'cancel.requested', actor: SYSTEM, eventIds: [e.id], summary: `workflow cancellation requested${cause ? `: ${cause}` : ''}`, data: cause ? { cause } : {} });
}
