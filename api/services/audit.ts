/**
 * @module Audit trail reads for investigators and admins: a task's chain (or the tenant's stream) and
 * its verification; and the ingestion of audit records a local-mode MCP proxy buffered on its disk.
 */
import { z } from 'zod';
import { buildAuditEvent } from '../../governance/audit/build.js';
import { chainHash, verifyChain } from '../../governance/audit/chain.js';
import { AuditEventSchema } from '../../governance/audit/schema.js';
import { parseOrFail } from '../../lib/validation.js';
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

    async ingest(viewer, records) {
      const v = requireRole(viewer, 'admin');
      const batch = parseOrFail(ShippedBatchSchema, records, 'events');
      for (let i = 0; i < batch.length; i++) {
        const r = batch[i]!;
        // why re-check the proxy's chain: a buffer edited on disk must not enter the server's log as genuine.
        if (r.hash !== chainHash(r.prevHash, r.seq, r.event)) throw chainRefusal(i, 'its hash does not match its content');
        const before = batch[i - 1];
        if (before && (r.prevHash !== before.hash || r.seq !== before.seq + 1)) throw chainRefusal(i, 'it does not follow the record before it');
        if (!inTenant(v, r.event.tenant)) throw new InterceptorError('FORBIDDEN', `record ${i} belongs to tenant \`${r.event.tenant}\`, which this key may not write`, { issues: [{ path: `events[${i}].event.tenant`, message: 'another tenant' }] });
      }
      // why rebuilt: the server applies its own redaction whatever the proxy did; the proxy's record is named for cross-reference.
      const events = batch.map((r) => buildAuditEvent({
        eventId: r.event.eventId, tenant: r.event.tenant, ...(r.event.taskId ? { taskId: r.event.taskId } : {}), ...(r.event.stepId ? { stepId: r.event.stepId } : {}),
        type: r.event.type, actor: r.event.actor, at: r.event.at, data: { ...r.event.data, proxyRecord: { seq: r.seq, hash: r.hash, shippedBy: v.id } },
      }));
      await store.transaction((db) => store.appendAudit(db, events));
      return events.length;
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

/** At most this many records per call; the shipper sends larger buffers in batches. */
export const MAX_INGEST_BATCH = 500;

const ShippedBatchSchema = z.array(z.object({
  seq: z.number().int().min(1),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  event: AuditEventSchema,
})).min(1, 'must hold at least one record').max(MAX_INGEST_BATCH, `must hold at most ${MAX_INGEST_BATCH} records per call`);

function chainRefusal(index: number, why: string): InterceptorError {
  return new InterceptorError('BAD_USER_INPUT', `record ${index} breaks the buffer's hash chain: ${why}`, { issues: [{ path: `events[${index}]`, message: why }] });
}
