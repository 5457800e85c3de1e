/**
 * @module The audit event contract (schemaVersion 1). Every decision, verification, approval and
 * execution is written as one of these, redacted, then hash-chained by the store (see chain.ts).
 */
import { z } from 'zod';

export const AUDIT_SCHEMA_VERSION = 1 as const;

export const AUDIT_EVENT_TYPES = [
  // task lifecycle
  'task.submitted',
  'plan.extracted',
  'plan.rejected',
  'step.assessed',
  'step.skipped',
  'task.completed',
  'task.failed',
  'task.cancelled',
  // why apart from task.cancelled: who asked, and why, is recorded even if the task ends otherwise first.
  'task.cancel_requested',
  // identity
  'identity.verified',
  'identity.rejected',
  'agent.registered',
  'agent.disabled',
  'credential.issued',
  'credential.revoked',
  'signing_key.rotated',
  'apikey.issued',
  'apikey.revoked',
  // approvals
  'approval.requested',
  'approval.decided',
  'approval.expired',
  'approval.refused',
  'approval.cancelled',
  // budget
  'budget.reserved',
  'budget.settled',
  'budget.released',
  'budget.exceeded',
  'budget.updated',
  // tools
  'tool.executed',
  'tool.failed',
  'tool.registered',
  'tool.pinned',
  'tool.pin_violation',
  // policy, evidence, proxy
  'policy.published',
  'evidence.exported',
  'proxy.call',
  // why: a caller-executed call whose result could not be reported to the API; the task will fail there.
  'proxy.report_failed',
] as const;
export const AuditEventTypeSchema = z.enum(AUDIT_EVENT_TYPES);
export type AuditEventType = z.infer<typeof AuditEventTypeSchema>;

export const ACTOR_KINDS = ['agent', 'user', 'system'] as const;
export const AuditActorSchema = z.object({
  kind: z.enum(ACTOR_KINDS),
  id: z.string().min(1).max(256),
});
export type AuditActor = z.infer<typeof AuditActorSchema>;

export const RedactionEntrySchema = z.object({ path: z.string(), kind: z.string() });
export type RedactionEntry = z.infer<typeof RedactionEntrySchema>;

const idField = z.string().min(1).max(256);

export const AuditEventSchema = z.object({
  schemaVersion: z.literal(AUDIT_SCHEMA_VERSION),
  eventId: z.uuid(),
  tenant: z.string().min(1).max(128),
  taskId: idField.optional(),
  stepId: idField.optional(),
  type: AuditEventTypeSchema,
  actor: AuditActorSchema,
  at: z.iso.datetime({ offset: true }),
  data: z.record(z.string(), z.unknown()),
  /** What redaction replaced in `data` (path and kind only, never the value); absent when nothing was. */
  redactions: z.array(RedactionEntrySchema).optional(),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/** What a caller hands to buildAuditEvent: the event minus what the builder fills in. */
export const AuditEventInputSchema = AuditEventSchema.omit({ schemaVersion: true, eventId: true, redactions: true }).extend({
  /** Supply a deterministic id (for example derived from an activity's idempotency key) so retries write the same event. */
  eventId: z.uuid().optional(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type AuditEventInput = z.input<typeof AuditEventInputSchema>;
