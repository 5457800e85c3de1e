/** @module The plan a task runs, as extractPlan recorded it; checked against the version the workflow holds. */
import { ApplicationFailure } from '@temporalio/common';
import { getTask } from '../db/queries/tasks.js';
import type { Queryable } from '../db/pool.js';
import { digestJson } from '../lib/canonical-json.js';
import type { ExecutionPlan } from '../governance/types.js';

/**
 * Plans already loaded and checked, by tenant, task and version. why a cache is safe: the version is
 * the plan's digest, so an entry can only ever hold the content the workflow asked for; it saves a
 * read, a schema parse and a digest of the whole plan on every assessment and execution.
 */
const checked = new Map<string, ExecutionPlan>();
const MAX_CACHED_PLANS = 2_000;

export async function loadTaskPlan(db: Queryable, tenant: string, taskId: string, planVersion: string): Promise<ExecutionPlan> {
  const key = `${tenant}\u0000${taskId}\u0000${planVersion}`;
  const hit = checked.get(key);
  if (hit) return hit;
  const task = await getTask(db, tenant, taskId);
  if (!task?.plan) throw ApplicationFailure.nonRetryable(`task \`${taskId}\` has no recorded plan`, 'PLAN_MISSING');
  // INVARIANT: the plan assessed and executed is exactly the one the workflow extracted (same digest).
  if (digestJson(task.plan) !== planVersion) throw ApplicationFailure.nonRetryable(`the recorded plan of task \`${taskId}\` does not match version \`${planVersion}\``, 'PLAN_MISMATCH');
  if (checked.size >= MAX_CACHED_PLANS) checked.delete(checked.keys().next().value!);
  const plan = deepFreeze(task.plan);
  checked.set(key, plan);
  return plan;
}

/** Shared between activities, so nobody may change it in place. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
