/** @module What every service is built from, and the audit helper they share. */
import { buildAuditEvent } from '../../governance/audit/build.js';
import type { AuditEventType } from '../../governance/audit/schema.js';
import type { Viewer } from '../access.js';
import type { ChangeFeed } from './change-feed.js';
import type { DeterminismReplayer } from './forensics/analysis.js';
import type { EvidenceKeys } from './forensics/evidence-keys.js';
import type { IdentityService } from './identity.js';
import type { ApiStore, Db } from './store.js';
import type { WorkflowGateway } from './workflows.js';

export interface ServiceLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface ServiceConfig {
  /** How long a step may wait for an approval before it expires. */
  approvalTimeoutMs: number;
  /** How long submitTask waits for first decisions before answering (≤ 2 s keeps clients snappy). */
  submitWaitMs: number;
  /** The longest `submitTask` with `wait: OUTCOME` holds the request for the task to end. */
  outcomeWaitMs: number;
  /** Interval at which subscriptions poll for changes. */
  feedIntervalMs: number;
  /** Default lifetime of agent credentials. */
  credentialTtlSeconds: number;
}

export interface ServiceDeps {
  store: ApiStore;
  workflows: WorkflowGateway;
  identity: IdentityService;
  feed: ChangeFeed;
  config: ServiceConfig;
  logger: ServiceLogger;
  now: () => Date;
  /** The evidence signing key; stored in the API's database when absent. */
  evidenceKeys?: EvidenceKeys;
  /** Replays a history against the workflow code; the worker's bundle when absent. */
  determinism?: DeterminismReplayer;
}

export function actorOf(viewer: Viewer): { kind: 'agent' | 'user'; id: string } {
  return { kind: viewer.kind, id: viewer.id };
}

/** Build, redact and append one audit event inside the caller's transaction. */
export async function recordAudit(
  deps: Pick<ServiceDeps, 'store' | 'now'>,
  db: Db,
  e: { tenant: string; taskId?: string; stepId?: string; type: AuditEventType; viewer: Viewer; data: Record<string, unknown> },
): Promise<void> {
  const event = buildAuditEvent({
    tenant: e.tenant,
    ...(e.taskId ? { taskId: e.taskId } : {}),
    ...(e.stepId ? { stepId: e.stepId } : {}),
    type: e.type,
    actor: actorOf(e.viewer),
    at: deps.now().toISOString(),
    data: e.data,
  });
  await deps.store.appendAudit(db, [event]);
}

/** Run a per-tenant read for one tenant, or for every tenant when `tenant` is null (platform administrator). */
export async function forTenants<T>(store: ApiStore, tenant: string | null, read: (tenant: string) => Promise<T[]>): Promise<T[]> {
  const tenants = tenant === null ? await store.listTenants(store.pool) : [tenant];
  return (await Promise.all(tenants.map(read))).flat();
}
