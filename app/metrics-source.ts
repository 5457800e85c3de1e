/** @module Figures for /metrics, read from the tables the activities write (aggregate reads only). */
import type { Queryable } from '../db/pool.js';
import { completedTasksSince, countPendingApprovals, decisionCounts } from '../db/queries/metrics.js';
import type { MetricsSource } from '../api/metrics.js';

export function createMetricsSource(db: Queryable, now: () => Date = () => new Date()): MetricsSource {
  return {
    decisionCounts: () => decisionCounts(db),
    completedTasksSince: (sinceMs, limit) => completedTasksSince(db, sinceMs, limit),
    pendingApprovals: () => countPendingApprovals(db, now()),
  };
}
