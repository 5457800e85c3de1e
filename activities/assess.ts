/** @module assessStep: resolve the step's arguments, then let the pure governance core decide. */
import { assessStep as decide, budgetDenies } from '../governance/assess/index.js';
import { digestJson } from '../lib/canonical-json.js';
import { getTool } from '../db/queries/tools.js';
import { upsertStep } from '../db/queries/steps.js';
import { getExecution } from '../db/queries/tool-executions.js';
import { withTransaction } from '../db/pool.js';
import type { Queryable } from '../db/pool.js';
import type { ExecutionPlan, PlanStep } from '../governance/types.js';
import type { GovernedTaskActivities } from '../workflows/contract.js';
import { audit } from './audit.js';
import { budgetSnapshot } from './budget-snapshot.js';
import type { ActivityDeps } from './deps.js';
import type { PolicyCache } from './policy-cache.js';
import { referencedSteps, resolveArgs } from './references.js';
import { loadTaskPlan } from './task-plan.js';

export function executionKey(taskId: string, stepId: string): string {
  return `${taskId}/${stepId}`;
}

/** The step with references to earlier outputs replaced by those outputs (recorded by executeTool). */
export async function resolvedStep(db: Queryable, tenant: string, taskId: string, step: PlanStep): Promise<PlanStep> {
  const ids = referencedSteps(step.args);
  if (ids.length === 0) return step;
  const outputs = new Map<string, unknown>();
  for (const id of ids) {
    const exec = await getExecution(db, tenant, executionKey(taskId, id));
    if (exec?.status === 'SUCCEEDED') outputs.set(id, exec.result);
  }
  return { ...step, args: resolveArgs(step.args, outputs) };
}

export function stepOf(plan: ExecutionPlan, stepId: string): PlanStep {
  const step = plan.steps.find((s) => s.stepId === stepId);
  if (!step) throw new Error(`step \`${stepId}\` is not in plan \`${plan.planId}\``);
  return step;
}

export function assessActivity(deps: ActivityDeps, policies: PolicyCache): Pick<GovernedTaskActivities, 'assessStep'> {
  return {
    async assessStep({ taskId, tenant, planVersion, stepId, identity }) {
      const now = deps.now();
      const plan = await loadTaskPlan(deps.db, tenant, taskId, planVersion);
      const original = stepOf(plan, stepId);
      const step = await resolvedStep(deps.db, tenant, taskId, original).catch(() => original);
      const resolvedPlan = { ...plan, steps: plan.steps.map((s) => (s.stepId === stepId ? step : s)) };
      const [tool, policy, budget] = await Promise.all([
        getTool(deps.db, tenant, step.tool),
        policies.active(deps.db, tenant),
        budgetSnapshot(deps.db, { tenant, agentId: identity.agentId, taskId }, now),
      ]);
      const usable = tool && tool.status === 'ACTIVE' ? tool.definition : undefined;
      const { exhaustedReason, ...budgetFacts } = budget;
      const request = { plan: resolvedPlan, stepId, ...(usable ? { tool: usable } : {}), identity, budget: budgetFacts, now };
      const decided = decide(request, { policy });
      // why: the person (or agent) reading a denial the budget decides needs to know which budget, and when it resets
      const reasons = exhaustedReason && budgetDenies(request, { policy }, decided) ? [exhaustedReason, ...decided.reasons] : decided.reasons;
      const assessment = { ...decided, reasons, inputs: { ...(usable ? { toolDigest: digestJson(usable) } : {}), budget: budgetFacts, args: step.args } };
      await withTransaction(deps.db, async (tx) => {
        await upsertStep(tx, { taskId, stepId, tool: step.tool, args: step.args, decision: assessment.decision, reasons: assessment.reasons, risk: assessment.risk });
        await audit(deps, tx, {
          tenant, taskId, stepId, type: 'step.assessed', actor: { kind: 'agent', id: identity.agentId },
          data: { ...assessment, args: step.args },
        });
      });
      deps.publish?.({ tenant, taskId, kind: 'decision', at: now.toISOString(), payload: { stepId, decision: assessment.decision } });
      return assessment;
    },
  };
}
