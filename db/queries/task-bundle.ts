/**
 * @module A task with its steps and approvals in one round trip: what the API reads after every
 * change it is told of (a submit waiting for decisions, a taskEvents subscription), so three
 * queries became one.
 */
import type { Queryable } from '../pool.js';
import { APPROVAL_COLUMNS, toApproval, type Approval, type ApprovalRow } from './approvals.js';
import { STEP_COLUMNS, toStep, type Step, type StepRow } from './steps.js';
import { TASK_COLUMNS, toTask, type Task, type TaskRow } from './tasks.js';

export interface TaskBundle {
  task: Task;
  steps: Step[];
  approvals: Approval[];
}

type JsonRow = Record<string, unknown>;

/** json_agg renders timestamps as text; the row mappers take what `pg` gives for a column: a Date. */
function revive<R>(row: JsonRow, timestamps: readonly string[]): R {
  const out: JsonRow = { ...row };
  for (const k of timestamps) if (typeof out[k] === 'string') out[k] = new Date(out[k]);
  return out as R;
}

/** The tenant's task with its steps (in order of creation) and approvals (in order of request); null when absent. */
export async function getTaskBundle(db: Queryable, tenant: string, id: string): Promise<TaskBundle | null> {
  const r = await db.query<TaskRow & { steps_json: JsonRow[]; approvals_json: JsonRow[] }>(
    `SELECT ${TASK_COLUMNS},
            (SELECT coalesce(json_agg(s ORDER BY s.created_at, s.step_id), '[]'::json)
               FROM (SELECT ${STEP_COLUMNS} FROM steps WHERE task_id = t.id) s) AS steps_json,
            (SELECT coalesce(json_agg(a ORDER BY a.requested_at, a.approval_id), '[]'::json)
               FROM (SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE tenant = t.tenant AND task_id = t.id) a) AS approvals_json
       FROM tasks t WHERE t.tenant = $1::text AND t.id = $2::text`,
    [tenant, id],
  );
  const row = r.rows[0];
  if (!row) return null;
  return {
    task: toTask(row),
    steps: row.steps_json.map((s) => toStep(revive<StepRow>(s, ['created_at', 'updated_at']))),
    approvals: row.approvals_json.map((a) => toApproval(revive<ApprovalRow>(a, ['requested_at', 'expires_at', 'decided_at']))),
  };
}
