/** @module recordStep and recordOutcome: persist the workflow's view for the API and audit the end of a task. */
import { closePendingApprovalsOfTask } from '../db/queries/approvals.js';
import { updateTask } from '../db/queries/tasks.js';
import { refreshTaskStatus, saveStepView } from '../db/queries/step-views.js';
import { withTransaction } from '../db/pool.js';
import type { GovernedTaskActivities } from '../workflows/contract.js';
import { audit, SYSTEM } from './audit.js';
import type { ActivityDeps } from './deps.js';

type Acts = Pick<GovernedTaskActivities, 'recordStep' | 'recordOutcome'>;

export function recordActivities(deps: ActivityDeps): Acts {
  return {
    async recordStep({ taskId, tenant, view }) {
      await withTransaction(deps.db, async (tx) => {
        await saveStepView(tx, { taskId, stepId: view.stepId, tool: view.tool, state: view.state, view, executed: view.executed });
        if (view.state === 'SKIPPED') {
          await audit(deps, tx, { tenant, taskId, stepId: view.stepId, type: 'step.skipped', actor: SYSTEM, data: { tool: view.tool, reasons: view.reasons } });
        }
        await refreshTaskStatus(tx, tenant, taskId);
      });
      deps.publish?.({ tenant, taskId, kind: 'step', at: deps.now().toISOString(), payload: view });
    },

    async recordOutcome({ taskId, tenant, view }) {
      const now = deps.now();
      const outcome = view.outcome ?? 'FAILED';
      await withTransaction(deps.db, async (tx) => {
        await updateTask(tx, tenant, taskId, { status: 'DONE', outcome, ...(view.riskLevel ? { riskLevel: view.riskLevel } : {}), completedAt: now, view });
        // why: an approval left waiting (the task was cancelled or failed meanwhile) must leave the approvers' queue and its
        // submitter's count; only a task whose view still has an undecided approval can have one (most tasks skip the statement)
        const undecided = view.steps.some((st) => st.approval?.status === 'PENDING' || st.approval?.status === 'CANCELLED');
        for (const a of undecided ? await closePendingApprovalsOfTask(tx, { tenant, taskId, reason: `the task ended ${outcome.toLowerCase()} before a decision`, now }) : []) {
          await audit(deps, tx, { tenant, taskId, stepId: a.stepId, type: 'approval.cancelled', actor: SYSTEM, data: { approvalId: a.approvalId, reason: a.reason } });
        }
        const type = outcome === 'CANCELLED' ? 'task.cancelled' : outcome === 'FAILED' ? 'task.failed' : 'task.completed';
        await audit(deps, tx, {
          tenant, taskId, type, actor: SYSTEM,
          data: { outcome, riskLevel: view.riskLevel ?? null, reasons: view.reasons, steps: view.steps.map((s) => ({ stepId: s.stepId, tool: s.tool, state: s.state, decision: s.decision ?? null, executed: s.executed })) },
        });
      });
      deps.publish?.({ tenant, taskId, kind: 'outcome', at: now.toISOString(), payload: view });
    },
  };
}
