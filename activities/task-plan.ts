/** @module The plan a task runs, as extractPlan recorded it; checked against the version the workflow holds. */
import { ApplicationFailure } from '@temporalio/common';
import { getTask } from '../db/queries/tasks.js';
import type { Queryable } from '../db/pool.js';
import { digestJson } from '../lib/canonical-json.js';
import type { ExecutionPlan } from '../governance/types.js';

export async function loadTaskPlan(db: Queryable, tenant: string, taskId: string, planVersion: string): Promise<ExecutionPlan> {
  const task = await getTask(db, tenant, taskId);
  if (!task?.plan) throw ApplicationFailure.nonRetryable(`task \`${taskId}\` has no recorded plan`, 'PLAN_MISSING');
  // INVARIANT: the plan assessed and executed is exactly the one the workflow extracted (same digest).
  if (digestJson(task.plan) !== planVersion) throw ApplicationFailure.nonRetryable(`the recorded plan of task \`${taskId}\` does not match version \`${planVersion}\``, 'PLAN_MISMATCH');
  return task.plan;
}
