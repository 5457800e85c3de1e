/**
 * @module Tasks (one per workflow; id = workflow id) and keyset pagination over them for the Relay
 * `tasks` connection. Order is newest first; the cursor is (created_at, id), so pages stay stable
 * while new tasks arrive.
 */
import { z } from 'zod';
import { ExecutionPlanSchema, RISK_LEVELS, type ExecutionPlan, type RiskLevel } from '../../governance/types.js';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';
import type { Queryable } from '../pool.js';
import { iso, isoOrNull, jsonParam, readJson } from '../rows.js';
import { decodeCursor, encodeCursor } from './task-cursor.js';

export { decodeCursor as decodeTaskCursor, encodeCursor as encodeTaskCursor } from './task-cursor.js';

export const TASK_STATUSES = ['PENDING', 'RUNNING', 'AWAITING_APPROVAL', 'DONE'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_OUTCOMES = ['COMPLETED', 'PARTIALLY_BLOCKED', 'BLOCKED', 'FAILED', 'CANCELLED'] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

export interface Task {
  id: string;
  tenant: string;
  agentId: string;
  submittedBy: string;
  goal: string;
  status: TaskStatus;
  outcome: TaskOutcome | null;
  riskLevel: RiskLevel | null;
  plan: ExecutionPlan | null;
  summary: Record<string, unknown>;
  /** The workflow's final view, recorded with the outcome; untrusted JSON until its reader parses it. */
  view: unknown;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

interface TaskRow {
  id: string;
  tenant: string;
  agent_id: string;
  submitted_by: string;
  goal: string;
  status: TaskStatus;
  outcome: TaskOutcome | null;
  risk_level: RiskLevel | null;
  plan: unknown;
  summary: unknown;
  view: unknown;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
}
const COLUMNS = 'id, tenant, agent_id, submitted_by, goal, status, outcome, risk_level, plan, summary, view, created_at, updated_at, completed_at';
const SummarySchema = z.record(z.string(), z.unknown());

function toTask(r: TaskRow): Task {
  return {
    id: r.id, tenant: r.tenant, agentId: r.agent_id, submittedBy: r.submitted_by, goal: r.goal, status: r.status, outcome: r.outcome, riskLevel: r.risk_level,
    plan: r.plan === null ? null : readJson(ExecutionPlanSchema, r.plan, 'tasks.plan'),
    summary: readJson(SummarySchema, r.summary, 'tasks.summary'), view: r.view ?? null,
    createdAt: iso(r.created_at), updatedAt: iso(r.updated_at), completedAt: isoOrNull(r.completed_at),
  };
}

const InsertTaskSchema = z.object({
  id: z.string().min(1).max(256),
  tenant: z.string().min(1).max(128),
  agentId: z.string().min(1).max(256),
  submittedBy: z.string().min(1).max(256),
  goal: z.string().max(4000).default(''),
  status: z.enum(TASK_STATUSES).default('RUNNING'),
  plan: ExecutionPlanSchema.nullable().default(null),
  summary: SummarySchema.default({}),
  createdAt: z.date().optional(),
});

/** Record a task; idempotent by id (a retried activity gets the first row). */
export async function insertTask(db: Queryable, input: z.input<typeof InsertTaskSchema>): Promise<Task> {
  return (await createTask(db, input)).task;
}

/** insertTask that also says whether this call created the row (one round trip when it did). */
export async function createTask(db: Queryable, input: z.input<typeof InsertTaskSchema>): Promise<{ task: Task; created: boolean }> {
  const t = parseOrFail(InsertTaskSchema, input, 'task');
  const r = await db.query<TaskRow>(
    `INSERT INTO tasks (id, tenant, agent_id, submitted_by, goal, status, plan, summary, created_at)
     VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::jsonb, $8::jsonb, date_trunc('milliseconds', coalesce($9::timestamptz, now())))
     ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
    [t.id, t.tenant, t.agentId, t.submittedBy, t.goal, t.status, jsonParam(t.plan), jsonParam(t.summary), t.createdAt ?? null],
  );
  if (r.rows[0]) return { task: toTask(r.rows[0]), created: true };
  const task = await getTask(db, t.tenant, t.id);
  if (!task) throw new InterceptorError('CONFLICT', `task \`${t.id}\` already exists`);
  return { task, created: false };
}

/** The task, only if it belongs to `tenant`. */
export async function getTask(db: Queryable, tenant: string, id: string): Promise<Task | null> {
  const r = await db.query<TaskRow>(`SELECT ${COLUMNS} FROM tasks WHERE tenant = $1::text AND id = $2::text`, [tenant, id]);
  return r.rows[0] ? toTask(r.rows[0]) : null;
}

const TaskPatchSchema = z.object({
  status: z.enum(TASK_STATUSES).optional(),
  outcome: z.enum(TASK_OUTCOMES).optional(),
  riskLevel: z.enum(RISK_LEVELS).optional(),
  plan: ExecutionPlanSchema.optional(),
  summary: SummarySchema.optional(),
  completedAt: z.date().optional(),
  /** The workflow's final view of the task (what recordOutcome stores). */
  view: z.unknown().optional(),
});
export type TaskPatch = z.input<typeof TaskPatchSchema>;

/** Set the given fields (absent ones keep their value); null when the tenant has no such task. */
export async function updateTask(db: Queryable, tenant: string, id: string, patch: TaskPatch): Promise<Task | null> {
  const p = parseOrFail(TaskPatchSchema, patch, 'task update');
  const r = await db.query<TaskRow>(
    `UPDATE tasks SET status = coalesce($3::text, status), outcome = coalesce($4::text, outcome), risk_level = coalesce($5::text, risk_level),
            plan = coalesce($6::jsonb, plan), summary = coalesce($7::jsonb, summary), completed_at = coalesce($8::timestamptz, completed_at),
            view = coalesce($9::jsonb, view), updated_at = now()
      WHERE tenant = $1::text AND id = $2::text RETURNING ${COLUMNS}`,
    [tenant, id, p.status ?? null, p.outcome ?? null, p.riskLevel ?? null, jsonParam(p.plan), jsonParam(p.summary), p.completedAt ?? null, jsonParam(p.view)],
  );
  return r.rows[0] ? toTask(r.rows[0]) : null;
}

const FilterSchema = z.object({
  tenant: z.string().min(1),
  status: z.enum(TASK_STATUSES).optional(),
  outcome: z.enum(TASK_OUTCOMES).optional(),
  agentId: z.string().min(1).optional(),
});
const PageSchema = z
  .object({ first: z.number().int().min(1).max(500).optional(), after: z.string().optional(), last: z.number().int().min(1).max(500).optional(), before: z.string().optional() })
  .refine((p) => !(p.first !== undefined && p.last !== undefined), { message: 'cannot be combined with `first`', path: ['last'] })
  .refine((p) => !(p.after !== undefined && p.before !== undefined), { message: 'cannot be combined with `after`', path: ['before'] });
export type TaskFilter = z.input<typeof FilterSchema>;
export type TaskPageRequest = z.input<typeof PageSchema>;

export interface TaskConnection {
  edges: { cursor: string; node: Task }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** One page of a tenant's tasks, newest first: `first`/`after` forwards, `last`/`before` backwards (default first 20). */
export async function listTasks(db: Queryable, filter: TaskFilter, page: TaskPageRequest = {}): Promise<TaskConnection> {
  const f = parseOrFail(FilterSchema, filter, 'task filter');
  const p = parseOrFail(PageSchema, page, 'page');
  const backwards = p.last !== undefined || (p.before !== undefined && p.first === undefined);
  const size = (backwards ? p.last : p.first) ?? 20;
  const cursor = backwards ? p.before : p.after;
  const key = cursor === undefined ? null : decodeCursor(cursor, backwards ? 'before' : 'after');
  // Forwards walks towards older rows (row < cursor, descending); backwards towards newer (row > cursor, ascending).
  const r = await db.query<TaskRow>(
    `SELECT ${COLUMNS} FROM tasks
      WHERE tenant = $1::text AND ($2::text IS NULL OR status = $2::text) AND ($3::text IS NULL OR outcome = $3::text) AND ($4::text IS NULL OR agent_id = $4::text)
        AND ($5::timestamptz IS NULL OR ${backwards ? '(created_at, id) > ($5::timestamptz, $6::text)' : '(created_at, id) < ($5::timestamptz, $6::text)'})
      ORDER BY created_at ${backwards ? 'ASC' : 'DESC'}, id ${backwards ? 'ASC' : 'DESC'} LIMIT $7::integer`,
    [f.tenant, f.status ?? null, f.outcome ?? null, f.agentId ?? null, key?.createdAt ?? null, key?.id ?? null, size + 1],
  );
  const more = r.rows.length > size;
  const rows = r.rows.slice(0, size).map(toTask);
  if (backwards) rows.reverse();
  const edges = rows.map((node) => ({ cursor: encodeCursor(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backwards ? key !== null : more,
      hasPreviousPage: backwards ? more : key !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

export interface TaskChange {
  id: string;
  tenant: string;
  status: TaskStatus;
  outcome: TaskOutcome | null;
  updatedAt: string;
}

/** The most recently changed tasks of a tenant (null: every tenant), optionally of one agent, newest change first. */
export async function recentTaskChanges(db: Queryable, scope: { tenant: string | null; agentId?: string | undefined }, limit = 50): Promise<TaskChange[]> {
  const r = await db.query<{ id: string; tenant: string; status: TaskStatus; outcome: TaskOutcome | null; updated_at: Date }>(
    `SELECT id, tenant, status, outcome, updated_at FROM tasks
      WHERE ($1::text IS NULL OR tenant = $1::text) AND ($2::text IS NULL OR agent_id = $2::text)
      ORDER BY updated_at DESC, id DESC LIMIT $3::integer`,
    [scope.tenant, scope.agentId ?? null, Math.min(Math.max(1, limit), 500)],
  );
  return r.rows.map((x) => ({ id: x.id, tenant: x.tenant, status: x.status, outcome: x.outcome, updatedAt: iso(x.updated_at) }));
}

/** What a task listing can be narrowed by; `status` is an active status or an outcome. */
export interface TaskSearch {
  /** null: every tenant (platform administrator). */
  tenant: string | null;
  agentId?: string | undefined;
  status?: string | undefined;
  riskLevel?: string | undefined;
  tool?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

const ACTIVE_STATUSES = new Set(['RUNNING', 'AWAITING_APPROVAL']);

/** WHERE clause and parameters shared by the page query and the count. */
function searchWhere(f: TaskSearch): { sql: string; params: unknown[] } {
  const status = f.status && ACTIVE_STATUSES.has(f.status) ? f.status : null;
  const outcome = f.status && !ACTIVE_STATUSES.has(f.status) ? f.status : null;
  const params = [f.tenant, f.agentId ?? null, status, outcome, f.riskLevel ?? null, f.tool ?? null, f.from ?? null, f.to ?? null];
  const sql = `($1::text IS NULL OR tenant = $1::text)
    AND ($2::text IS NULL OR agent_id = $2::text)
    AND ($3::text IS NULL OR status = $3::text OR ($3::text = 'RUNNING' AND status = 'PENDING'))
    AND ($4::text IS NULL OR (status = 'DONE' AND outcome = $4::text))
    AND ($5::text IS NULL OR risk_level = $5::text)
    AND ($6::text IS NULL OR plan -> 'steps' @> jsonb_build_array(jsonb_build_object('tool', $6::text)))
    AND ($7::timestamptz IS NULL OR created_at >= $7::timestamptz)
    AND ($8::timestamptz IS NULL OR created_at < $8::timestamptz)`;
  return { sql, params };
}

/** One page of tasks, newest first, after the cursor `page.after`, with the total that match. */
export async function searchTasks(db: Queryable, filter: TaskSearch, page: { first: number; after?: string | null | undefined }): Promise<{ rows: { cursor: string; task: Task }[]; hasNextPage: boolean; totalCount: number }> {
  const key = page.after ? decodeCursor(page.after, 'after') : null;
  const w = searchWhere(filter);
  const n = w.params.length;
  const r = await db.query<TaskRow>(
    `SELECT ${COLUMNS} FROM tasks
      WHERE ${w.sql} AND ($${n + 1}::timestamptz IS NULL OR (created_at, id) < ($${n + 1}::timestamptz, $${n + 2}::text))
      ORDER BY created_at DESC, id DESC LIMIT $${n + 3}::integer`,
    [...w.params, key?.createdAt ?? null, key?.id ?? null, page.first + 1],
  );
  const count = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM tasks WHERE ${w.sql}`, w.params);
  const rows = r.rows.slice(0, page.first).map((row) => {
    const task = toTask(row);
    return { cursor: encodeCursor(task), task };
  });
  return { rows, hasNextPage: r.rows.length > page.first, totalCount: Number(count.rows[0]?.n ?? 0) };
}

/** For queries that read this table together with others (task-bundle.ts). */
export { COLUMNS as TASK_COLUMNS, toTask, type TaskRow };
