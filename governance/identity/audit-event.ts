/** @module Every verification is audited: the event body for an accepted or refused credential. */
import type { AuditEventInput } from '../audit/schema.js';
import type { VerifyResult } from './verify.js';

export interface VerificationAuditMeta {
  /** The tenant whose stream records the attempt (the request's tenant, not a claim from a refused token). */
  tenant: string;
  now: Date;
  taskId?: string;
  eventId?: string;
  /** Where the credential was presented: `graphql`, `proxy`, `worker`… */
  channel?: string;
}

/**
 * The audit input for one verification; pass it to buildAuditEvent. A refused token's own claims
 * are recorded under `data.unverified` and never used as the actor.
 */
export function verificationAuditEvent(result: VerifyResult, meta: VerificationAuditMeta): AuditEventInput {
  const common = {
    tenant: meta.tenant,
    at: meta.now.toISOString(),
    ...(meta.taskId === undefined ? {} : { taskId: meta.taskId }),
    ...(meta.eventId === undefined ? {} : { eventId: meta.eventId }),
  };
  const channel = meta.channel === undefined ? {} : { channel: meta.channel };
  if (result.ok) {
    const id = result.identity;
    return {
      ...common,
      type: 'identity.verified',
      actor: { kind: 'agent', id: id.agentId },
      data: { ...channel, agentId: id.agentId, agentTenant: id.tenant, credentialId: id.credentialId, keyId: id.keyId, expiresAt: id.expiresAt, actingFor: id.actingFor, capabilities: id.capabilities },
    };
  }
  return {
    ...common,
    type: 'identity.rejected',
    actor: { kind: 'system', id: 'identity-verifier' },
    data: { ...channel, code: result.reason.code, message: result.reason.message, ...(result.unverified ? { unverified: { ...result.unverified } } : {}) },
  };
}
