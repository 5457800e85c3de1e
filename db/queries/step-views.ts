/** @module The workflow's latest view of a step and of a task, as recorded by the recordStep/recordOutcome activities. */
import type { Queryable } from '../pool.js';
import { jsonParam } from '../rows.js';

/** Store the step view; the step row is created if assessment never ran (a skipped step). */
export async function saveStepView(db: Queryable, input: { taskId: string; stepId: string; tool: string; state: string; view: unknown; executed: boolean }): Promise<void> {
  await db.query(
    `INSERT INTO steps (task_id, step_id, tool, args, state, view, executed)
     VALUES ($1::text, $2::text, $3::text, '{}'::jsonb, $4::text, $5::jsonb, $6::boolean)
     ON CONFLICT (task_id, step_id) DO UPDATE SET state = EXCLUDED.state, view = EXCLUDED.view, executed = EXCLUDED.executed, updated_at = now()`,
    [input.taskId, input.stepId, input.tool, input.state, jsonParam(input.view), input.executed],
  );
}

/** RUNNING or AWAITING_APPROVAL from all of the task's steps (never touches a finished task). */
export async function refreshTaskStatus(db: Queryable, tenant: string, taskId: string): Promise<void> {
  await db.query(
    `UPDATE tasks SET status = CASE WHEN EXISTS (SELECT 1 FROM steps WHERE task_id = $2::text AND state = 'AWAITING_APPROVAL')
                                   THEN 'AWAITING_APPROVAL' ELSE 'RUNNING' END, updated_at = now()
      WHERE tenant = $1::text AND id = $2::text AND status <> 'DONE'`,
    [tenant, taskId],
  );
}
