/**
 * @module Read-only searches the API needs beyond db/queries: tasks filtered by outcome, risk, tool
 * and time (keyset pages with the db's own cursor format, plus a total count) across one tenant or
 * all of them, and pages over one audit chain.
 * why here: db/queries/tasks.ts filters by tenant, status and agent only; these belong there and
 * can move once it grows the filters (same SQL style: parameterised, explicit casts).
 */
import { listAuditEvents } from '../../db/queries/audit.js';
import { decodeTaskCursor, encodeTaskCursor } from '../../db/queries/tasks.js';
import type { Queryable } from '../../db/pool.js';
import { AuditEventSchema } from '../../governance/audit/schema.js';
import { parseOrFail } from '../../lib/validation.js';
import { getTaskWithView } from './task-rows.js';
import type { KeysetPage, PageOf, StoredAuditEvent, TaskListFilter, TaskRow } from '../services/store.js';

const ACTIVE = new Set(['RUNNING', 'AWAITING_APPROVAL']);

/** WHERE clause and parameters shared by the page query and the count. */
function where(f: TaskListFilter): { sql: string; params: unknown[] } {
  const status = f.status && ACTIVE.has(f.status) ? f.status : null;
  const outcome = f.status && !ACTIVE.has(f.status) ? f.status : null;
  const params = [f.tenant, f.agentId ?? null, status, outcome, f.riskLevel ?? null, f.tool ?? null, f.from ?? null, f.to ?? null];
  const sql = `($1::text IS NULL OR t.tenant = $1::text)
    AND ($2::text IS NULL OR t.agent_id = $2::text)
    AND ($3::text IS NULL OR t.status = $3::text OR ($3::text = 'RUNNING' AND t.status = 'PENDING'))
    AND ($4::text IS NULL OR (t.status = 'DONE' AND t.outcome = $4::text))
    AND ($5::text IS NULL OR t.risk_level = $5::text)
    AND ($6::text IS NULL OR t.plan -> 'steps' @> jsonb_build_array(jsonb_build_object('tool', $6::text)))
    AND ($7::timestamptz IS NULL OR t.created_at >= $7::timestamptz)
    AND ($8::timestamptz IS NULL OR t.created_at < $8::timestamptz)`;
  return { sql, params };
}

/** One page of tasks, newest first, after `page.after`. */
export async function searchTasks(db: Queryable, filter: TaskListFilter, page: KeysetPage): Promise<PageOf<TaskRow>> {
  const key = page.after ? decodeTaskCursor(page.after, 'after') : null;
  const w = where(filter);
  const n = w.params.length;
  const r = await db.query<{ id: string; tenant: string }>(
    `SELECT t.id, t.tenant FROM tasks t
      WHERE ${w.sql} AND ($${n + 1}::timestamptz IS NULL OR (t.created_at, t.id) < ($${n + 1}::timestamptz, $${n + 2}::text))
      ORDER BY t.created_at DESC, t.id DESC LIMIT $${n + 3}::integer`,
    [...w.params, key?.createdAt ?? null, key?.id ?? null, page.first + 1],
  );
  const count = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM tasks t WHERE ${w.sql}`, w.params);
  const rows: { cursor: string; row: TaskRow }[] = [];
  for (const { id, tenant } of r.rows.slice(0, page.first)) {
    const row = await getTaskWithView(db, tenant, id);
    if (row) rows.push({ cursor: encodeTaskCursor(row), row });
  }
  return { rows, hasNextPage: r.rows.length > page.first, totalCount: Number(count.rows[0]?.n ?? 0) };
}

/** A page of one chain in storage order, through db/queries/audit's keyset listing. */
export async function listAuditPage(db: Queryable, filter: { tenant: string; chainId: string }, page: KeysetPage): Promise<PageOf<StoredAuditEvent>> {
  const res = await listAuditEvents(db, { tenant: filter.tenant, chainId: filter.chainId }, { first: page.first, ...(page.after ? { after: page.after } : {}) });
  const rows = res.events.map((e) => ({
    cursor: String(e.seq),
    row: { seq: e.seq, chainId: e.chainId, chainSeq: e.chainSeq, prevHash: e.prevHash, hash: e.hash, event: parseOrFail(AuditEventSchema, e.event, 'stored audit event') },
  }));
  return { rows, hasNextPage: res.hasNextPage };
}
