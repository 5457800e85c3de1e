/**
 * @module What every forensics read starts from: an investigator (or admin) of one tenant, and a task
 * of that tenant with its Temporal history. A task of another tenant is NOT_FOUND, like a missing one.
 */
import { reconstruct, type ReplayRecord } from '../../../replay/index.js';
import { InterceptorError } from '../../../lib/errors.js';
import { notFound, requireRole, type Viewer } from '../../access.js';
import type { ServiceDeps } from '../deps.js';
import type { TaskRow } from '../store.js';

export interface InvestigatorScope {
  viewer: Viewer;
  tenant: string;
}

/** Investigators and admins of a tenant; the platform administrator must use a key of the tenant. */
export function investigatorScope(viewer: Viewer | null, what: string): InvestigatorScope {
  const v = requireRole(viewer, 'investigator', 'admin');
  if (!v.tenant) throw new InterceptorError('BAD_USER_INPUT', `${what} reads one tenant's tasks: use a key of that tenant`);
  return { viewer: v, tenant: v.tenant };
}

export interface LoadedTask {
  row: TaskRow;
  history: unknown;
  record: ReplayRecord;
}

/** The task's row and history; NOT_FOUND when it is not the tenant's or its history is gone. */
export async function loadHistory(deps: ServiceDeps, tenant: string, taskId: string): Promise<{ row: TaskRow; history: unknown }> {
  const row = await deps.store.getTask(deps.store.pool, tenant, taskId);
  if (!row || row.tenant !== tenant) throw notFound('task', taskId);
  const history = deps.workflows.history ? await deps.workflows.history(taskId) : null;
  if (!history) throw new InterceptorError('NOT_FOUND', `the history of task \`${taskId}\` is not available`);
  return { row, history };
}

/** The task reconstructed from its history. */
export async function loadTask(deps: ServiceDeps, tenant: string, taskId: string): Promise<LoadedTask> {
  const { row, history } = await loadHistory(deps, tenant, taskId);
  return { row, history, record: reconstruct(history) };
}
