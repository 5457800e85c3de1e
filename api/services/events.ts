/**
 * @module Subscriptions. taskEvents streams snapshots of one task the viewer may read (first the
 * current state, then each change; it ends after the task finishes). approvalRequests streams the
 * pending approvals of the viewer's tenant: those waiting when it starts, then each new one.
 * taskChanges streams each change of any task the viewer may list (from when it starts), for live lists.
 * INVARIANT: access is checked before a stream opens, and topics are keyed by task id or tenant, so a
 * stream never carries another tenant's data.
 */
import { hasRole, notFound, readTenant, requireRole, requireViewer } from '../access.js';
import type { ApprovalModel, TaskModel } from '../schema/models.js';
import { approvalModel } from './approvals.js';
import type { ServiceDeps } from './deps.js';
import type { TaskChangeRow } from './store.js';
import type { EventService, TaskChangeModel, TaskEventModel, TaskService } from './types.js';

const FINAL: readonly string[] = ['COMPLETED', 'PARTIALLY_BLOCKED', 'BLOCKED', 'FAILED', 'CANCELLED'];

function stepKey(s: TaskModel['steps'][number]): string {
  return JSON.stringify([s.state, s.decision, s.approval?.status, s.executed, s.error?.code, s.reasons.length]);
}

function fingerprint(t: TaskModel | null): string {
  return t ? JSON.stringify([t.status, t.steps.map(stepKey)]) : 'missing';
}

async function* taskStream(source: AsyncIterable<TaskModel | null>, now: () => Date): AsyncGenerator<TaskEventModel> {
  let previous: Map<string, string> | null = null;
  let lastFp = '';
  for await (const task of source) {
    if (!task) continue;
    const fp = fingerprint(task);
    if (fp === lastFp) continue;
    lastFp = fp;
    const keys = new Map(task.steps.map((s) => [s.stepId, stepKey(s)]));
    const changedSteps = task.steps.filter((s) => previous?.get(s.stepId) !== keys.get(s.stepId)).map((s) => s.stepId);
    previous = keys;
    yield { taskId: task.id, status: task.status, changedSteps, task, at: now().toISOString() };
    if (FINAL.includes(task.status)) return;
  }
}

async function* newApprovals(source: AsyncIterable<ApprovalModel[]>): AsyncGenerator<ApprovalModel> {
  const seen = new Set<string>();
  for await (const pending of source) {
    for (const a of pending) {
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      yield a;
    }
  }
}

/** Each change after the stream opened, once (a task row's id and update time identify a change). */
async function* newChanges(source: AsyncIterable<TaskChangeRow[]>): AsyncGenerator<TaskChangeModel> {
  let seen: Set<string> | null = null;
  for await (const rows of source) {
    const keys = rows.map((r) => `${r.id}@${r.updatedAt}`);
    if (seen === null) {
      seen = new Set(keys);
      continue;
    }
    // oldest first, so a client applying them in order ends with the newest state
    for (let i = rows.length - 1; i >= 0; i--) {
      const r = rows[i]!;
      if (seen.has(keys[i]!)) continue;
      seen.add(keys[i]!);
      yield { taskId: r.id, tenant: r.tenant, status: r.status === 'DONE' ? r.outcome ?? 'FAILED' : r.status === 'PENDING' ? 'RUNNING' : r.status, at: r.updatedAt };
    }
    if (seen.size > 10_000) seen = new Set(keys);
  }
}

export function createEventService(deps: ServiceDeps, tasks: TaskService): EventService {
  const { store, feed } = deps;
  return {
    async taskEvents(viewer, taskId) {
      const v = requireViewer(viewer);
      const task = await tasks.get(v, taskId);
      if (!task) throw notFound('task', taskId);
      const source = feed.watch(`task:${taskId}`, () => tasks.loadUnchecked(task.tenant, taskId), fingerprint);
      return taskStream(source, deps.now);
    },

    async taskChanges(viewer, tenantArg) {
      const v = requireRole(viewer, 'agent', 'investigator', 'admin');
      const tenant = readTenant(v, tenantArg);
      // INVARIANT: an agent without a reading role sees only its own tasks, as in `tasks`.
      const agentOnly = !v.platformAdmin && !hasRole(v, 'investigator') && !hasRole(v, 'admin');
      const scope = { tenant, ...(agentOnly ? { agentId: v.agentId } : {}) };
      const poll = () => store.recentTaskChanges(store.pool, scope, 50);
      const source = feed.watch(`tasks:${tenant ?? '*'}:${agentOnly ? v.agentId : '*'}`, poll, (rows) => rows.map((r) => `${r.id}@${r.updatedAt}`).join(','));
      return newChanges(source);
    },

    async approvalRequests(viewer) {
      const v = requireRole(viewer, 'approver', 'admin');
      const tenant = readTenant(v);
      const poll = async () => (await store.listPendingApprovals(store.pool, tenant, 200, deps.now())).map(approvalModel);
      const source = feed.watch(`approvals:${tenant ?? '*'}`, poll, (list) => list.map((a) => a.id).join(','));
      return newApprovals(source);
    },
  };
}
