/** @module reserveBudget and settleBudget: reserve before a tool acts, settle or release after. */
import { release, reserve, settle } from '../db/queries/budgets.js';
import { getTool } from '../db/queries/tools.js';
import { withTransaction } from '../db/pool.js';
import type { GovernedTaskActivities } from '../workflows/contract.js';
import { audit, SYSTEM } from './audit.js';
import { retryForReservation } from './budget-snapshot.js';
import { executionKey } from './assess.js';
import type { ActivityDeps } from './deps.js';

type Acts = Pick<GovernedTaskActivities, 'reserveBudget' | 'settleBudget'>;

export function budgetActivities(deps: ActivityDeps): Acts {
  return {
    async reserveBudget({ taskId, tenant, agentId, stepId, tool }) {
      const key = executionKey(taskId, stepId);
      const def = await getTool(deps.db, tenant, tool);
      const amounts = { tool_calls: 1, cost_usd: def?.definition.cost.perCallUsd ?? 0 };
      const now = deps.now();
      return withTransaction(deps.db, async (tx) => {
        const r = await reserve(tx, { key, tenant, agentId, taskId, amounts, now });
        if (r.ok) {
          await audit(deps, tx, { tenant, taskId, stepId, type: 'budget.reserved', actor: SYSTEM, data: { key, amounts, lines: r.lines } });
          return { ok: true as const, reservationKey: key };
        }
        const x = r.exceeded;
        const retry = await retryForReservation(tx, { tenant, agentId, taskId }, now, amounts, x.window);
        const message = `budget \`${x.budgetId}\` (${x.scope} ${x.metric} per ${x.window}, limit ${x.limit}) would be exceeded: ${retry.hint}`;
        await audit(deps, tx, { tenant, taskId, stepId, type: 'budget.exceeded', actor: SYSTEM, data: { key, amounts, exceeded: x, ...(retry.retryAt ? { retryAt: retry.retryAt } : {}) } });
        return { ok: false as const, reason: { code: 'BUDGET_EXCEEDED', message, ...(retry.retryAt ? { retryAt: retry.retryAt } : {}) } };
      });
    },

    async settleBudget({ taskId, tenant, reservationKey, usage }) {
      await withTransaction(deps.db, async (tx) => {
        if (usage === null) {
          const r = await release(tx, { key: reservationKey });
          await audit(deps, tx, { tenant, taskId, type: 'budget.released', actor: SYSTEM, discriminator: reservationKey, data: { key: reservationKey, result: r } });
          return;
        }
        const actual = { tool_calls: 1, cost_usd: usage.costUsd, tokens: usage.tokens, wall_time_ms: usage.wallTimeMs };
        const r = await settle(tx, { key: reservationKey, actual });
        await audit(deps, tx, { tenant, taskId, type: 'budget.settled', actor: SYSTEM, discriminator: reservationKey, data: { key: reservationKey, actual, result: r } });
      });
    },
  };
}
