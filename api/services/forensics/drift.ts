/**
 * @module Policy drift over a tenant's recent tasks: every recorded decision of the last N tasks (in
 * an optional submission window) re-made under another policy set. Used by `policyDriftReport` and
 * by the preview `publishPolicySet` returns.
 */
import type { CompiledPolicySet } from '../../../governance/policy/index.js';
import { policyDriftReport, reconstruct, type ReplayRecord } from '../../../replay/index.js';
import type { ServiceDeps } from '../deps.js';
import type { DriftReportModel } from '../types.js';
import { toolMap } from './policy.js';

export interface DriftWindow {
  lastN: number;
  since?: Date;
  until?: Date;
}

/** How many histories are fetched from Temporal at once (one request each). */
const HISTORY_CONCURRENCY = 4;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The tenant's last `lastN` tasks reconstructed; tasks whose history cannot be read are counted, not fatal. */
async function recentRecords(deps: ServiceDeps, tenant: string, w: DriftWindow): Promise<{ records: ReplayRecord[]; skipped: number }> {
  const page = await deps.store.listTasks(deps.store.pool, { tenant, ...(w.since ? { from: w.since } : {}), ...(w.until ? { to: w.until } : {}) }, { first: w.lastN });
  const history = deps.workflows.history?.bind(deps.workflows);
  const records = await mapLimited(page.rows, HISTORY_CONCURRENCY, async ({ row }): Promise<ReplayRecord | null> => {
    if (!history) return null;
    try {
      const h = await history(row.id);
      return h ? reconstruct(h) : null;
    } catch (e) {
      deps.logger.warn({ err: e, taskId: row.id }, 'drift report: history not readable, task skipped');
      return null;
    }
  });
  const found = records.filter((r): r is ReplayRecord => r !== null);
  return { records: found, skipped: records.length - found.length };
}

export async function driftOverRecentTasks(deps: ServiceDeps, tenant: string, policy: CompiledPolicySet, w: DriftWindow): Promise<DriftReportModel> {
  const [{ records, skipped }, tools] = [await recentRecords(deps, tenant, w), await toolMap(deps, tenant)];
  const report = policyDriftReport(records, policy, tools);
  return {
    tasksEvaluated: report.tasks,
    tasksSkipped: skipped,
    decisionsEvaluated: report.stepsReevaluated,
    changed: report.stepsChanged,
    groups: report.byNewPolicy,
    report,
  };
}
