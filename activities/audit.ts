/**
 * @module Audit from activities. Event ids are derived from what the event is about, so a retried
 * activity re-appends the same event id and the store ignores the duplicate (idempotent audit).
 */
import { sha256Hex } from '../lib/canonical-json.js';
import { buildAuditEvent, type AuditActor, type AuditEventType } from '../governance/audit/index.js';
import { appendAuditEvents } from '../db/queries/audit.js';
import type { Queryable } from '../db/pool.js';
import type { ActivityDeps } from './deps.js';

/** A UUID (version 5 layout) derived from the parts: same parts, same id. */
export function derivedEventId(...parts: string[]): string {
  const h = sha256Hex(parts.join('\u001f'));
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface AuditInput {
  tenant: string;
  taskId?: string;
  stepId?: string;
  type: AuditEventType;
  actor: AuditActor;
  data: Record<string, unknown>;
  /** Distinguishes several events of one type about the same step (e.g. attempt numbers). */
  discriminator?: string;
}

export async function audit(deps: Pick<ActivityDeps, 'now' | 'redaction'>, db: Queryable, ...inputs: AuditInput[]): Promise<void> {
  const at = deps.now().toISOString();
  const events = inputs.map((i) =>
    buildAuditEvent(
      {
        eventId: derivedEventId(i.tenant, i.taskId ?? '', i.stepId ?? '', i.type, i.discriminator ?? ''),
        tenant: i.tenant,
        ...(i.taskId ? { taskId: i.taskId } : {}),
        ...(i.stepId ? { stepId: i.stepId } : {}),
        type: i.type,
        actor: i.actor,
        at,
        data: i.data,
      },
      deps.redaction ? { redaction: deps.redaction } : {},
    ),
  );
  await appendAuditEvents(db, events);
}

export const SYSTEM: AuditActor = { kind: 'system', id: 'interceptor' };
