/**
 * @module The API's listings over db/queries: task searches (keyset pages with a total count) across
 * one tenant or all of them, and pages over one audit chain.
 */
import { listAuditEvents } from '../../db/queries/audit.js';
import { searchTasks as searchTaskRows } from '../../db/queries/tasks.js';
import type { Queryable } from '../../db/pool.js';
import { AuditEventSchema } from '../../governance/audit/schema.js';
import { parseOrFail } from '../../lib/validation.js';
import type { KeysetPage, PageOf, StoredAuditEvent, TaskListFilter, TaskRow } from '../services/store.js';

/** One page of tasks, newest first, after `page.after`. */
export async function searchTasks(db: Queryable, filter: TaskListFilter, page: KeysetPage): Promise<PageOf<TaskRow>> {
  const res = await searchTaskRows(db, filter, page);
  return { rows: res.rows.map(({ cursor, task }) => ({ cursor, row: task })), hasNextPage: res.hasNextPage, totalCount: res.totalCount };
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
