/**
 * @module Tool executions: the guard that makes a retried activity never act twice. The first claim
 * of a key inserts a RUNNING row and may act; later claims see the recorded outcome instead. A claim
 * whose worker died is taken over only after its lease expires (attempt + 1).
 */
import { z } from 'zod';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';
import type { Queryable } from '../pool.js';
import { iso, isoOrNull, jsonParam, readJson } from '../rows.js';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface ToolExecution {
  key: string;
  tenant: string;
  taskId: string | null;
  stepId: string | null;
  tool: string;
  status: ExecutionStatus;
  attempt: number;
  result: unknown;
  error: unknown;
  leaseExpiresAt: string;
  startedAt: string;
  finishedAt: string | null;
  /** What the execution cost, recorded with its outcome (null for outcomes recorded before it was kept). */
  usage: ToolUsage | null;
}

export interface ToolUsage {
  costUsd: number;
  tokens: number;
  wallTimeMs: number;
}

const UsageSchema = z.object({ costUsd: z.number().min(0), tokens: z.number().min(0), wallTimeMs: z.number().min(0) });

interface ExecutionRow {
  key: string;
  tenant: string;
  task_id: string | null;
  step_id: string | null;
  tool: string;
  status: ExecutionStatus;
  attempt: number;
  result: unknown;
  error: unknown;
  lease_expires_at: Date;
  started_at: Date;
  finished_at: Date | null;
  usage: unknown;
}
const COLUMNS = 'key, tenant, task_id, step_id, tool, status, attempt, result, error, lease_expires_at, started_at, finished_at, usage';
const toExecution = (r: ExecutionRow): ToolExecution => ({
  key: r.key, tenant: r.tenant, taskId: r.task_id, stepId: r.step_id, tool: r.tool, status: r.status, attempt: r.attempt, result: r.result, error: r.error,
  leaseExpiresAt: iso(r.lease_expires_at), startedAt: iso(r.started_at), finishedAt: isoOrNull(r.finished_at),
  usage: r.usage == null ? null : readJson(UsageSchema, r.usage, 'tool_executions.usage'),
});

const ClaimSchema = z.object({
  key: z.string().min(1).max(512),
  tenant: z.string().min(1).max(128),
  taskId: z.string().min(1).max(256).optional(),
  stepId: z.string().min(1).max(128).optional(),
  tool: z.string().min(1).max(128),
  now: z.date(),
  /** How long the claimant may run before another attempt may take over. */
  leaseMs: z.number().int().min(1).max(86_400_000),
});

export type ClaimResult =
  /** This caller holds the claim and must act, then call completeExecution. */
  | { claimed: true; execution: ToolExecution }
  /** Someone already acted (SUCCEEDED/FAILED: reuse its outcome) or is acting now (RUNNING: retry later). */
  | { claimed: false; execution: ToolExecution };

/** Claim the right to run a tool call once for `key`. */
export async function claimExecution(db: Queryable, input: z.input<typeof ClaimSchema>): Promise<ClaimResult> {
  const c = parseOrFail(ClaimSchema, input, 'tool execution claim');
  const lease = new Date(c.now.getTime() + c.leaseMs);
  const fresh = await db.query<ExecutionRow>(
    `INSERT INTO tool_executions (key, tenant, task_id, step_id, tool, status, lease_expires_at, started_at)
     VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, 'RUNNING', $6::timestamptz, $7::timestamptz)
     ON CONFLICT (key) DO NOTHING RETURNING ${COLUMNS}`,
    [c.key, c.tenant, c.taskId ?? null, c.stepId ?? null, c.tool, lease, c.now],
  );
  if (fresh.rows[0]) return { claimed: true, execution: toExecution(fresh.rows[0]) };
  // INVARIANT: the takeover re-checks status and lease in the same UPDATE, so two retries racing
  // for an expired lease cannot both win.
  const takeover = await db.query<ExecutionRow>(
    `UPDATE tool_executions SET attempt = attempt + 1, lease_expires_at = $3::timestamptz, started_at = $4::timestamptz
      WHERE key = $1::text AND tenant = $2::text AND status = 'RUNNING' AND lease_expires_at <= $4::timestamptz RETURNING ${COLUMNS}`,
    [c.key, c.tenant, lease, c.now],
  );
  if (takeover.rows[0]) return { claimed: true, execution: toExecution(takeover.rows[0]) };
  const current = await getExecution(db, c.tenant, c.key);
  if (!current) throw new InterceptorError('CONFLICT', `execution key \`${c.key}\` belongs to another tenant`);
  return { claimed: false, execution: current };
}

const CompleteSchema = z.object({
  key: z.string().min(1).max(512),
  tenant: z.string().min(1).max(128),
  attempt: z.number().int().min(1),
  status: z.enum(['SUCCEEDED', 'FAILED']),
  result: z.unknown().optional(),
  error: z.unknown().optional(),
  usage: UsageSchema.optional(),
  now: z.date(),
});

/**
 * Record the outcome of the claim held by `attempt`. Returns null when that attempt no longer holds
 * it (already completed, or taken over after its lease expired), so a late writer cannot overwrite.
 */
export async function completeExecution(db: Queryable, input: z.input<typeof CompleteSchema>): Promise<ToolExecution | null> {
  const c = parseOrFail(CompleteSchema, input, 'tool execution outcome');
  const r = await db.query<ExecutionRow>(
    `UPDATE tool_executions SET status = $4::text, result = $5::jsonb, error = $6::jsonb, finished_at = $7::timestamptz, usage = $8::jsonb
      WHERE key = $1::text AND tenant = $2::text AND attempt = $3::integer AND status = 'RUNNING' RETURNING ${COLUMNS}`,
    [c.key, c.tenant, c.attempt, c.status, jsonParam(c.result), jsonParam(c.error), c.now, jsonParam(c.usage ?? null)],
  );
  return r.rows[0] ? toExecution(r.rows[0]) : null;
}

const RenewSchema = z.object({
  key: z.string().min(1).max(512),
  tenant: z.string().min(1).max(128),
  attempt: z.number().int().min(1),
  leaseMs: z.number().int().min(1).max(86_400_000),
  now: z.date(),
});

/**
 * Extend the lease of the claim `attempt` still holds (a tool that runs longer than one lease is not
 * taken over while its attempt is alive). False when the claim is no longer that attempt's.
 */
export async function renewExecution(db: Queryable, input: z.input<typeof RenewSchema>): Promise<boolean> {
  const c = parseOrFail(RenewSchema, input, 'tool execution lease');
  const r = await db.query(
    `UPDATE tool_executions SET lease_expires_at = $4::timestamptz
      WHERE key = $1::text AND tenant = $2::text AND attempt = $3::integer AND status = 'RUNNING'`,
    [c.key, c.tenant, c.attempt, new Date(c.now.getTime() + c.leaseMs)],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function getExecution(db: Queryable, tenant: string, key: string): Promise<ToolExecution | null> {
  const r = await db.query<ExecutionRow>(`SELECT ${COLUMNS} FROM tool_executions WHERE tenant = $1::text AND key = $2::text`, [tenant, key]);
  return r.rows[0] ? toExecution(r.rows[0]) : null;
}

const ReportedSchema = z.object({
  key: z.string().min(1).max(512),
  tenant: z.string().min(1).max(128),
  taskId: z.string().min(1).max(256),
  stepId: z.string().min(1).max(256),
  tool: z.string().min(1).max(256),
  status: z.enum(['SUCCEEDED', 'FAILED']),
  result: z.unknown().optional(),
  error: z.unknown().optional(),
  now: z.date(),
});

/**
 * Record a tool call the caller ran itself (caller-executed tasks): the row is written complete, once.
 * `recorded: false` returns the row an earlier report wrote, so a retried report can be recognised.
 */
export async function recordReportedExecution(db: Queryable, input: z.input<typeof ReportedSchema>): Promise<{ recorded: boolean; execution: ToolExecution }> {
  const c = parseOrFail(ReportedSchema, input, 'reported tool execution');
  const fresh = await db.query<ExecutionRow>(
    `INSERT INTO tool_executions (key, tenant, task_id, step_id, tool, status, result, error, lease_expires_at, started_at, finished_at)
     VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::jsonb, $8::jsonb, $9::timestamptz, $9::timestamptz, $9::timestamptz)
     ON CONFLICT (key) DO NOTHING RETURNING ${COLUMNS}`,
    [c.key, c.tenant, c.taskId, c.stepId, c.tool, c.status, jsonParam(c.result), jsonParam(c.error), c.now],
  );
  if (fresh.rows[0]) return { recorded: true, execution: toExecution(fresh.rows[0]) };
  const current = await getExecution(db, c.tenant, c.key);
  if (!current) throw new InterceptorError('CONFLICT', `execution key \`${c.key}\` belongs to another tenant`);
  return { recorded: false, execution: current };
}
