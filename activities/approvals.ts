/** @module requestApproval and expireApproval: bound approvals, opened and closed from the workflow. */
import { approvalBinding } from '../governance/approval/index.js';
import { closeApproval, getApproval, openApproval, pendingApprovalsLocked } from '../db/queries/approvals.js';
import { withTransaction } from '../db/pool.js';
import { sha256Hex } from '../lib/canonical-json.js';
import type { GovernedTaskActivities } from '../workflows/contract.js';
import { audit, SYSTEM } from './audit.js';
import type { ActivityDeps } from './deps.js';

type Acts = Pick<GovernedTaskActivities, 'requestApproval' | 'expireApproval'>;

/** Derived from what is approved, so a retried activity opens the same approval. */
export function approvalIdFor(taskId: string, stepId: string, planVersion: string): string {
  return `apr_${sha256Hex(`${taskId}\u001f${stepId}\u001f${planVersion}`).slice(0, 24)}`;
}

export function approvalActivities(deps: ActivityDeps): Acts {
  return {
    async requestApproval(input) {
      const { taskId, tenant, stepId, tool, argsDigest, planVersion, assessment } = input;
      const approvalId = approvalIdFor(taskId, stepId, planVersion);
      const binding = approvalBinding({ taskId, stepId, tool, argsDigest, planVersion });
      const now = deps.now();
      const limit = deps.maxPendingApprovals;
      const outcome = await withTransaction(deps.db, async (tx) => {
        // why a limit per submitter: an agent (perhaps compromised) must not bury its approvers in requests (OWASP agentic T10)
        // why the lock before looking for this approval: a retry racing a slow first attempt must see the row it opened
        const pending = limit === undefined ? 0 : await pendingApprovalsLocked(tx, tenant, input.submittedBy.id, now);
        if (limit !== undefined && pending >= limit && !(await getApproval(tx, tenant, approvalId))) {
          const refused = { code: 'APPROVAL_QUEUE_FULL', message: `\`${input.submittedBy.id}\` already has ${pending} approvals waiting for a person (at most ${limit}): the step is denied rather than queued; ask again once some are decided, expired or their tasks have ended` };
          await audit(deps, tx, { tenant, taskId, stepId, type: 'approval.refused', actor: SYSTEM, data: { approvalId, tool, argsDigest, planVersion, pending, limit, reasons: [refused] } });
          return { refused };
        }
        const a = await openApproval(tx, {
          approvalId, tenant, taskId, stepId, tool, argsDigest, planVersion, binding,
          requestedAt: now, expiresAt: new Date(now.getTime() + input.timeoutMs),
          submittedBy: input.submittedBy.id, actingFor: input.actingFor, policyIds: assessment.determiningPolicies, risk: assessment.risk,
        });
        await audit(deps, tx, {
          tenant, taskId, stepId, type: 'approval.requested', actor: SYSTEM,
          data: { approvalId, tool, argsDigest, planVersion, binding, expiresAt: a.expiresAt, policyIds: assessment.determiningPolicies, reasons: assessment.reasons, risk: assessment.risk },
        });
        return { approval: a };
      });
      if ('refused' in outcome) return { approvalId, expiresAt: now.toISOString(), binding, refused: outcome.refused };
      const { approval } = outcome;
      deps.publish?.({ tenant, taskId, kind: 'approval', at: now.toISOString(), payload: { approvalId, stepId, status: approval.status } });
      return { approvalId, expiresAt: approval.expiresAt, binding };
    },

    async expireApproval({ taskId, tenant, approvalId }) {
      const now = deps.now();
      return withTransaction(deps.db, async (tx) => {
        const closed = await closeApproval(tx, { tenant, approvalId, status: 'EXPIRED', reason: 'no decision before the deadline', now });
        if (closed) {
          await audit(deps, tx, { tenant, taskId, stepId: closed.stepId, type: 'approval.expired', actor: SYSTEM, data: { approvalId, expiresAt: closed.expiresAt } });
          return { status: 'EXPIRED' as const };
        }
        const current = await getApproval(tx, tenant, approvalId);
        if (current && (current.status === 'APPROVED' || current.status === 'DENIED')) {
          // why: the decision was committed before the deadline but its signal had not reached the workflow yet.
          return { status: 'DECIDED' as const, decision: { approvalId, decision: current.status === 'APPROVED' ? ('APPROVE' as const) : ('DENY' as const), decidedBy: current.decidedBy ?? 'unknown', reason: current.reason ?? '' } };
        }
        return { status: 'EXPIRED' as const };
      });
    },
  };
}
