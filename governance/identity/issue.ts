/** @module Issue platform-signed agent credentials: EdDSA JWTs with `typ: agent+jwt`. */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';
import { MAX_DELEGATION_DEPTH, actFromChain } from './claims.js';
import type { KeyRing } from './keys.js';

export const AGENT_JWT_TYPE = 'agent+jwt';
/** Longest credential lifetime: agent credentials are short-lived and re-issued, not long-lived secrets. */
export const MAX_CREDENTIAL_TTL_SECONDS = 7 * 24 * 3600;

export const IssueCredentialParamsSchema = z.object({
  agentId: z.string().min(1).max(128),
  tenant: z.string().min(1).max(128),
  capabilities: z.array(z.string().min(1).max(128)).max(256),
  actingFor: z.array(z.string().min(1).max(256)).max(MAX_DELEGATION_DEPTH).default([]),
  ttlSeconds: z.number().int().min(1).max(MAX_CREDENTIAL_TTL_SECONDS),
  audience: z.string().min(1).max(256),
  issuer: z.string().min(1).max(256),
  now: z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date'),
  /** Supply a credential id to make issuance reproducible; a random UUID otherwise. */
  jti: z.string().min(1).max(128).optional(),
});
export type IssueCredentialParams = z.input<typeof IssueCredentialParamsSchema>;

export interface IssuedCredential {
  token: string;
  jti: string;
  expiresAt: string;
  kid: string;
}

/** Sign a credential with the ring's active key. Throws BAD_USER_INPUT on bad params, CONFLICT when the ring has no active private key. */
export async function issueAgentCredential(params: IssueCredentialParams, ring: KeyRing): Promise<IssuedCredential> {
  const p = parseOrFail(IssueCredentialParamsSchema, params, 'credential request');
  const signer = ring.signingKey();
  if (signer === null) throw new InterceptorError('CONFLICT', 'the key ring has no active signing key');
  const iat = Math.floor(p.now.getTime() / 1000);
  const exp = iat + p.ttlSeconds;
  const jti = p.jti ?? randomUUID();
  const act = actFromChain(p.actingFor);
  const token = await new SignJWT({ tenant: p.tenant, capabilities: [...new Set(p.capabilities)].sort(), ...(act ? { act } : {}) })
    .setProtectedHeader({ alg: 'EdDSA', kid: signer.kid, typ: AGENT_JWT_TYPE })
    .setSubject(p.agentId)
    .setIssuer(p.issuer)
    .setAudience(p.audience)
    .setJti(jti)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(exp)
    .sign(signer.key);
  return { token, jti, expiresAt: new Date(exp * 1000).toISOString(), kid: signer.kid };
}
