/**
 * @module Figures for /metrics, read from the tables the activities write. Aggregate reads only.
 * why here: db/queries has no aggregate reads yet; these three queries can move there unchanged.
 */
import type { Queryable } from '../db/pool.js';
import type { MetricsSource } from '../api/metrics.js';

export function createMetricsSource(db: Queryable, now: () => Date = () => new Date()): MetricsSource {
  return {
    async decisionCounts() {
      const r = await db.query<{ decision: string; n: string }>('SELECT decision, count(*)::text AS n FROM steps WHERE decision IS NOT NULL GROUP BY decision');
      return Object.fromEntries(r.rows.map((row) => [row.decision, Number(row.n)]));
    },
    async completedTasksSince(sinceMs, limit) {
      const r = await db.query<{ completed_ms: string; seconds: string; outcome: string }>(
        `SELECT (extract(epoch FROM completed_at) * 1000)::bigint::text AS completed_ms,
                extract(epoch FROM (completed_at - created_at))::text AS seconds, coalesce(outcome, 'UNKNOWN') AS outcome
           FROM tasks WHERE completed_at > to_timestamp($1::double precision / 1000) ORDER BY completed_at LIMIT $2::integer`,
        [sinceMs, limit],
      );
      return r.rows.map((row) => ({ completedAtMs: Number(row.completed_ms), seconds: Math.max(0, Number(row.seconds)), outcome: row.outcome }));
    },
    async pendingApprovals() {
      const r = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM approvals WHERE status = 'PENDING' AND expires_at > $1::timestamptz", [now()]);
      return Number(r.rows[0]?.n ?? 0);
    },
  };
}
