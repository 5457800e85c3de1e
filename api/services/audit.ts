/** @module Audit trail reads for investigators and admins: a task's chain (or the tenant's stream) and its verification. */
import { verifyChain } from '../../governance/audit/chain.js';
import { InterceptorError } from '../../lib/errors.js';
import { inTenant, notFound, readTenant, requireRole, type Viewer } from '../access.js';
import type { ServiceDeps } from './deps.js';
import type { StoredAuditEvent } from './store.js';
import type { AuditEventModel, AuditService } from './types.js';

function eventModel(e: StoredAuditEvent): AuditEventModel {
  const ev = e.event;
  return {
    seq: e.seq, chainId: e.chainId, chainSeq: e.chainSeq, prevHash: e.prevHash, hash: e.hash, eventId: ev.eventId, type: ev.type, tenant: ev.tenant,
    taskId: ev.taskId ?? null, stepId: ev.stepId ?? null, actor: ev.actor, at: ev.at, data: ev.data,
  };
}

export function createAuditService(deps: ServiceDeps): AuditService {
  const { store } = deps;

  /** The chain the viewer asked for, after checking it may read it. */
  async function chainFor(v: Viewer, scope: { taskId?: string | null; tenant?: string | null }): Promise<{ chainId: string; tenant: string }> {
    if (scope.taskId) {
      const task = await store.getTask(store.pool, v.tenant, scope.taskId);
      if (!task || !inTenant(v, task.tenant)) throw notFound('task', scope.taskId);
      return { chainId: task.id, tenant: task.tenant };
    }
    const tenant = readTenant(v, scope.tenant);
    if (tenant === null) throw new InterceptorError('BAD_USER_INPUT', 'name a `taskId` or a `tenant`', { issues: [{ path: 'tenant', message: 'required for the platform administrator without a task' }] });
    return { chainId: `tenant:${tenant}`, tenant };
  }

  return {
    async list(viewer, scope, page) {
      const v = requireRole(viewer, 'investigator', 'admin');
      const { chainId, tenant } = await chainFor(v, scope);
      const res = await store.listAudit(store.pool, { tenant, chainId }, page);
      const edges = res.rows.map(({ cursor, row }) => ({ cursor, node: eventModel(row) }));
      return { edges, pageInfo: { hasNextPage: res.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
    },

    async verify(viewer, taskId) {
      const v = requireRole(viewer, 'investigator', 'admin');
      const { chainId } = await chainFor(v, { taskId });
      const events = await store.readChain(store.pool, chainId);
      const brk = verifyChain(events.map((e) => ({ seq: e.chainSeq, prevHash: e.prevHash, hash: e.hash, event: e.event })));
      return { chainId, ok: brk === null, events: events.length, breakCode: brk?.code ?? null, breakIndex: brk?.index ?? null };
    },
  };
}
