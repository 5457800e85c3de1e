/**
 * @module Approvals: read (approvers, investigators and admins of the tenant; agents for their own
 * tasks) and decide. A decision passes the pure rules (governance/approval: role, tenant, expiry,
 * separation of duties, binding), is recorded atomically (a second decision loses), audited in the
 * same transaction, and only then signalled to the workflow.
 */
import { decideApproval, type ApprovalRecord, type DecideErrorCode } from '../../governance/approval/index.js';
import { InterceptorError, type ErrorCode } from '../../lib/errors.js';
import { canReadApprovals, canReadTask, hasRole, inTenant, notFound, readTenant, requireRole, requireViewer, type Viewer } from '../access.js';
import { toRiskModel, type ApprovalModel, type GqlApprovalStatus } from '../schema/models.js';
import { recordAudit, type ServiceDeps } from './deps.js';
import type { ApprovalRow } from './store.js';
import type { ApprovalService } from './types.js';

export function approvalModel(a: ApprovalRow): ApprovalModel {
  return {
    id: a.approvalId, tenant: a.tenant, taskId: a.taskId, stepId: a.stepId, tool: a.tool, argsDigest: a.argsDigest, binding: a.binding,
    planVersion: a.planVersion, risk: toRiskModel(a.risk), policyIds: a.policyIds, status: a.status as GqlApprovalStatus,
    requestedAt: a.requestedAt, expiresAt: a.expiresAt, decidedBy: a.decidedBy, decidedAt: a.decidedAt, reason: a.reason,
    submittedBy: a.submittedBy, actingFor: a.actingFor,
  };
}

function toRecord(a: ApprovalModel, agentId: string | undefined): ApprovalRecord {
  return {
    approvalId: a.id, tenant: a.tenant, taskId: a.taskId, stepId: a.stepId, tool: a.tool, argsDigest: a.argsDigest, planVersion: a.planVersion,
    binding: a.binding, requestedAt: a.requestedAt, expiresAt: a.expiresAt, status: a.status === 'CANCELLED' ? 'DENIED' : a.status,
    submittedBy: a.submittedBy, actingFor: a.actingFor, policyIds: a.policyIds,
    ...(agentId ? { agentId } : {}),
    ...(a.decidedBy ? { decidedBy: a.decidedBy } : {}),
    ...(a.decidedAt ? { decidedAt: a.decidedAt } : {}),
  };
}

const RULE_CODES: Record<DecideErrorCode, ErrorCode> = {
  NOT_FOUND: 'NOT_FOUND', CONFLICT: 'CONFLICT', FORBIDDEN: 'FORBIDDEN', EXPIRED: 'CONFLICT', BINDING_MISMATCH: 'CONFLICT', BAD_USER_INPUT: 'BAD_USER_INPUT',
};

export function createApprovalService(deps: ServiceDeps): ApprovalService {
  const { store } = deps;

  async function readable(v: Viewer, a: ApprovalRow): Promise<boolean> {
    if (canReadApprovals(v, a.tenant)) return true;
    if (!hasRole(v, 'agent') || !inTenant(v, a.tenant)) return false;
    const task = await store.getTask(store.pool, a.tenant, a.taskId);
    return !!task && canReadTask(v, task);
  }

  /** The pure rules applied to this viewer; `decision` DENY needs the reason the viewer gave. */
  function check(v: Viewer | null, a: ApprovalModel, agentId: string | undefined, input: { decision: 'APPROVE' | 'DENY'; reason: string; binding?: string }) {
    if (!v) return { ok: false as const, error: { code: 'FORBIDDEN' as const, message: 'authentication required' } };
    if (a.status === 'CANCELLED') return { ok: false as const, error: { code: 'CONFLICT' as const, message: `approval \`${a.id}\` was cancelled with its task` } };
    if (v.tenant === null) return { ok: false as const, error: { code: 'FORBIDDEN' as const, message: 'the platform administrator does not decide approvals: use an approver key of the tenant' } };
    return decideApproval(toRecord(a, agentId), { approvalId: a.id, decision: input.decision, reason: input.reason, decidedBy: { id: v.id, roles: [...v.roles], tenant: v.tenant }, ...(input.binding ? { binding: input.binding } : {}) }, deps.now());
  }

  async function agentOf(tenant: string, taskId: string): Promise<string | undefined> {
    return (await store.getTask(store.pool, tenant, taskId))?.agentId;
  }

  return {
    async get(viewer, id) {
      const v = requireViewer(viewer);
      const row = await store.getApproval(store.pool, v.tenant, id);
      return row && (await readable(v, row)) ? approvalModel(row) : null;
    },

    async pending(viewer, first) {
      const v = requireRole(viewer, 'approver', 'investigator', 'admin');
      return (await store.listPendingApprovals(store.pool, readTenant(v), first, deps.now())).map(approvalModel);
    },

    async decide(viewer, input) {
      const v = requireViewer(viewer);
      const row = await store.getApproval(store.pool, v.tenant, input.approvalId);
      if (!row || !(await readable(v, row))) throw notFound('approval', input.approvalId);
      const reason = input.reason?.trim() ?? '';
      const verdict = check(v, approvalModel(row), await agentOf(row.tenant, row.taskId), { decision: input.decision, reason, ...(input.binding ? { binding: input.binding } : {}) });
      if (!verdict.ok) throw new InterceptorError(RULE_CODES[verdict.error.code], verdict.error.message, verdict.error.code === 'BAD_USER_INPUT' ? { issues: [{ path: 'input.reason', message: verdict.error.message }] } : {});
      const status = input.decision === 'APPROVE' ? 'APPROVED' : 'DENIED';
      const decided = await store.transaction(async (db) => {
        const updated = await store.decideApproval(db, { tenant: row.tenant, approvalId: row.approvalId, status, decidedBy: v.id, reason, decidedAt: deps.now() });
        if (!updated) throw new InterceptorError('CONFLICT', `approval \`${row.approvalId}\` was decided by someone else first`);
        await recordAudit(deps, db, {
          tenant: row.tenant, taskId: row.taskId, stepId: row.stepId, type: 'approval.decided', viewer: v,
          data: { approvalId: row.approvalId, decision: input.decision, reason, binding: row.binding, tool: row.tool, argsDigest: row.argsDigest },
        });
        return updated;
      });
      try {
        await deps.workflows.signalApproval(row.taskId, { approvalId: row.approvalId, decision: input.decision, decidedBy: v.id, reason });
      } catch (e) {
        // why: the decision is recorded; the workflow reads it back when the approval would expire (expireApproval).
        deps.logger.warn({ err: e, approvalId: row.approvalId }, 'approval recorded but the workflow could not be signalled');
      }
      deps.feed.poke(`task:${row.taskId}`);
      return approvalModel(decided);
    },

    whyNot(viewer, approval) {
      const r = check(viewer, approval, undefined, { decision: 'APPROVE', reason: '' });
      return r.ok ? null : r.error.message;
    },

    async step(approval) {
      const step = (await store.listSteps(store.pool, approval.taskId)).find((s) => s.stepId === approval.stepId);
      return { args: step?.args ?? null, reasons: step?.reasons ?? [] };
    },
  };
}
