/** @module Aggregate reads for /metrics: decision counts, recently completed tasks, pending approvals. */
import type { Queryable } from '../pool.js';

export async function decisionCounts(db: Queryable): Promise<Record<string, number>> {
  const r = await db.query<{ decision: string; n: string }>('SELECT decision, count(*)::text AS n FROM steps WHERE decision IS NOT NULL GROUP BY decision');
  return Object.fromEntries(r.rows.map((row) => [row.decision, Number(row.n)]));
}

/** Tasks completed after `sinceMs` (epoch ms), oldest first, with how long each took. */
export async function completedTasksSince(db: Queryable, sinceMs: number, limit: number): Promise<{ completedAtMs: number; seconds: number; outcome: string }[]> {
  const r = await db.query<{ completed_ms: string; seconds: string; outcome: string }>(
    `SELECT (extract(epoch FROM completed_at) * 1000)::bigint::text AS completed_ms,
            extract(epoch FROM (completed_at - created_at))::text AS seconds, coalesce(outcome, 'UNKNOWN') AS outcome
       FROM tasks WHERE completed_at > to_timestamp($1::double precision / 1000) ORDER BY completed_at LIMIT $2::integer`,
    [sinceMs, limit],
  );
  return r.rows.map((row) => ({ completedAtMs: Number(row.completed_ms), seconds: Math.max(0, Number(row.seconds)), outcome: row.outcome }));
}

export async function countPendingApprovals(db: Queryable, now: Date): Promise<number> {
  const r = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM approvals WHERE status = 'PENDING' AND expires_at > $1::timestamptz", [now]);
  return Number(r.rows[0]?.n ?? 0);
}
