/** @module Build an audit event ready for the append-only store: validated, redacted, versioned. */
import { randomUUID } from 'node:crypto';
import { parseOrFail } from '../../lib/validation.js';
import { redact, type RedactionOptions } from './redact.js';
import { AUDIT_SCHEMA_VERSION, AuditEventInputSchema, AuditEventSchema, type AuditEvent, type AuditEventInput } from './schema.js';

export interface BuildAuditEventOptions {
  redaction?: RedactionOptions;
  /** Id source when the input carries no eventId (default crypto.randomUUID). */
  newId?: () => string;
}

/**
 * Validate an event, redact its `data` and stamp the schema version. Throws BAD_USER_INPUT naming
 * the field when the input is not a valid event.
 */
export function buildAuditEvent(input: AuditEventInput, opts: BuildAuditEventOptions = {}): AuditEvent {
  const parsed = parseOrFail(AuditEventInputSchema, input, 'audit event');
  const { value, redactions } = redact(parsed.data, opts.redaction);
  const event = {
    schemaVersion: AUDIT_SCHEMA_VERSION,
    eventId: parsed.eventId ?? (opts.newId ?? randomUUID)(),
    tenant: parsed.tenant,
    ...(parsed.taskId === undefined ? {} : { taskId: parsed.taskId }),
    ...(parsed.stepId === undefined ? {} : { stepId: parsed.stepId }),
    type: parsed.type,
    actor: parsed.actor,
    at: parsed.at,
    data: value as Record<string, unknown>,
    ...(redactions.length === 0 ? {} : { redactions }),
  };
  // INVARIANT: what leaves here satisfies AuditEventSchema (a bad newId is caught, not stored).
  return parseOrFail(AuditEventSchema, event, 'audit event');
}
