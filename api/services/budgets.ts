/** @module Budgets: admins set limits; admins and investigators read them with current usage; a task shows the ones that bind it. */
import { windowEndsAt } from '../../governance/budget/index.js';
import { InterceptorError } from '../../lib/errors.js';
import { readTenant, requireRole, writeTenant } from '../access.js';
import type { TaskModel } from '../schema/models.js';
import { recordAudit, type ServiceDeps } from './deps.js';
import type { BudgetRow } from './store.js';
import type { BudgetModel, BudgetService } from './types.js';

function budgetModel(b: BudgetRow, now: Date): BudgetModel {
  return {
    id: b.id, tenant: b.tenant, scope: b.scope.toUpperCase(), scopeId: b.scopeRef, metric: b.metric.toUpperCase(), window: b.window.toUpperCase(), limit: b.limit,
    resetsAt: windowEndsAt(b.window, now)?.toISOString() ?? null, usage: b.usage,
  };
}

/** The budgets that bind one task, with only that task's own counters (its tenant, its agent, itself). */
export function budgetsForTask(all: BudgetRow[], task: Pick<TaskModel, 'id' | 'tenant' | 'agentId'>): BudgetRow[] {
  const subjectOf = { tenant: task.tenant, agent: task.agentId, task: task.id } as const;
  return all
    .filter((b) => b.scope === 'tenant' || b.scopeRef === null || b.scopeRef === subjectOf[b.scope])
    .map((b) => ({ ...b, usage: b.usage.filter((u) => u.subject === subjectOf[b.scope]) }));
}

export function createBudgetService(deps: ServiceDeps): BudgetService {
  const { store } = deps;
  return {
    async list(viewer, tenant) {
      const v = requireRole(viewer, 'admin', 'investigator');
      const t = readTenant(v, tenant);
      if (t === null) throw new InterceptorError('BAD_USER_INPUT', 'the platform administrator must name a `tenant`', { issues: [{ path: 'tenant', message: 'required for the platform administrator' }] });
      const now = deps.now();
      return (await store.budgetsWithUsage(store.pool, t, now)).map((b) => budgetModel(b, now));
    },

    async forTask(task) {
      const now = deps.now();
      const all = await store.budgetsWithUsage(store.pool, task.tenant, now, task.id);
      return budgetsForTask(all, task).map((b) => budgetModel(b, now));
    },

    async set(viewer, input) {
      const v = requireRole(viewer, 'admin');
      const tenant = writeTenant(v, input.tenant);
      const saved = await store.transaction(async (db) => {
        await store.ensureTenant(db, tenant);
        const b = await store.setBudget(db, { tenant, scope: input.scope, scopeRef: input.scopeId ?? null, metric: input.metric, window: input.window, limit: input.limit });
        await recordAudit(deps, db, { tenant, type: 'budget.updated', viewer: v, data: { budgetId: b.id, scope: b.scope, scopeRef: b.scopeRef, metric: b.metric, window: b.window, limit: b.limit } });
        return b;
      });
      const now = deps.now();
      const withUsage = (await store.budgetsWithUsage(store.pool, tenant, now)).find((b) => b.id === saved.id);
      return budgetModel(withUsage ?? saved, now);
    },
  };
}
