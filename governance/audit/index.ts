/** @module Audit events: the versioned schema, redaction before storage and the hash chain. */
export {
  AUDIT_SCHEMA_VERSION,
  AUDIT_EVENT_TYPES,
  ACTOR_KINDS,
  AuditEventTypeSchema,
  AuditActorSchema,
  AuditEventSchema,
  AuditEventInputSchema,
  RedactionEntrySchema,
} from './schema.js';
export type { AuditEventType, AuditActor, AuditEvent, AuditEventInput, RedactionEntry } from './schema.js';
export { redact, DEFAULT_PII_KINDS } from './redact.js';
export type { RedactionOptions, RedactionResult } from './redact.js';
export { PII_KINDS, luhnValid, ibanValid } from './pii.js';
export type { PiiKind, PiiMode } from './pii.js';
export { isRedactionMarker, isSecretKey, SECRET_KEY_SUFFIXES } from './rules.js';
export { buildAuditEvent } from './build.js';
export type { BuildAuditEventOptions } from './build.js';
export { GENESIS_HASH, chainHash, verifyChain } from './chain.js';
export type { ChainedEvent, ChainBreak } from './chain.js';
