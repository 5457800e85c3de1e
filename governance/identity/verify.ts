/**
 * @module Verify an agent credential. Total: every bad token becomes `{ ok: false, reason }` with a
 * stable code; nothing throws for token content. The header is checked before any cryptography so
 * that `alg: none` and key-confusion tokens (HS256 keyed with the public key) never reach a verifier.
 */
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { z } from 'zod';
import { parseOrFail } from '../../lib/validation.js';
import type { AgentIdentity } from '../types.js';
import { AgentClaimsSchema, chainFromAct, type AgentClaims } from './claims.js';
import { AGENT_JWT_TYPE } from './issue.js';
import type { KeyRing } from './keys.js';
import { failure, joseFailure, type VerifyFailure } from './failures.js';

/** Tokens above this size are refused before parsing (a credential is a few hundred bytes). */
export const MAX_TOKEN_BYTES = 8192;
export const DEFAULT_CLOCK_TOLERANCE_SEC = 30;

export interface VerifyContext {
  ring: KeyRing;
  audience: string;
  issuer: string;
  expectedTenant?: string;
  now: Date;
  isRevoked: (jti: string) => boolean | Promise<boolean>;
  clockToleranceSec?: number;
}

/** Unverified header and claim values of a refused token, for the audit trail only: never trust them. */
export interface UnverifiedHints {
  kid?: string;
  sub?: string;
  tenant?: string;
  jti?: string;
}

export type VerifyResult =
  | { ok: true; identity: AgentIdentity }
  | { ok: false; reason: VerifyFailure; unverified?: UnverifiedHints };

const ContextSchema = z.object({
  ring: z.custom<KeyRing>((v) => typeof (v as KeyRing | null)?.verificationKey === 'function', 'must be a key ring'),
  isRevoked: z.custom<VerifyContext['isRevoked']>((v) => typeof v === 'function', 'must be a function'),
  audience: z.string().min(1),
  issuer: z.string().min(1),
  expectedTenant: z.string().min(1).optional(),
  now: z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date'),
  clockToleranceSec: z.number().int().min(0).max(300).optional(),
});

/** Verify a presented credential. Throws only when the context itself is invalid (a programming error). */
export async function verifyAgentCredential(token: unknown, ctx: VerifyContext): Promise<VerifyResult> {
  const c = parseOrFail(ContextSchema, ctx, 'verification context');
  const tolerance = c.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC;
  const header = checkHeader(token);
  if ('code' in header) return refuse(header, token);
  const key = c.ring.verificationKey(header.kid);
  if (key === undefined) return refuse(failure('UNKNOWN_KID', `signing key \`${header.kid}\` is not in the key ring`), token);
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(header.token, key, {
      algorithms: ['EdDSA'],
      typ: AGENT_JWT_TYPE,
      audience: c.audience,
      issuer: c.issuer,
      currentDate: c.now,
      clockTolerance: tolerance,
      requiredClaims: ['sub', 'jti', 'iat', 'nbf', 'exp'],
    }));
  } catch (e) {
    return refuse(joseFailure(e), token);
  }
  const claims = checkClaims(payload, c.now, tolerance, c.expectedTenant);
  if ('code' in claims) return refuse(claims, token);
  const revoked = await revocationFailure(c.isRevoked, claims.jti);
  if (revoked) return refuse(revoked, token);
  return { ok: true, identity: toIdentity(claims, header.kid) };
}

function checkHeader(token: unknown): { token: string; kid: string } | VerifyFailure {
  if (token === undefined || token === null || token === '') return failure('MISSING', 'no credential was presented');
  if (typeof token !== 'string') return failure('MALFORMED', 'credential must be a string');
  if (token.length > MAX_TOKEN_BYTES) return failure('MALFORMED', `credential is larger than ${MAX_TOKEN_BYTES} bytes`);
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) return failure('MALFORMED', 'credential is not a compact JWS with three base64url parts');
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    return failure('MALFORMED', 'credential header is not valid base64url JSON');
  }
  // INVARIANT: only EdDSA reaches jwtVerify; `none`, HS* (key confusion) and RS*/ES* stop here.
  if (header.alg !== 'EdDSA') return failure('ALG_NOT_ALLOWED', `algorithm \`${show(header.alg)}\` is not allowed: only \`EdDSA\` is accepted`);
  if (header.typ !== AGENT_JWT_TYPE) return failure('MALFORMED', `credential type \`${show(header.typ)}\` is not \`${AGENT_JWT_TYPE}\``);
  if (typeof header.kid !== 'string' || header.kid === '') return failure('UNKNOWN_KID', 'credential names no signing key');
  return { token, kid: header.kid };
}

function checkClaims(payload: unknown, now: Date, tolerance: number, expectedTenant: string | undefined): AgentClaims | VerifyFailure {
  const parsed = AgentClaimsSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return failure('CLAIMS_INVALID', `credential claim \`${path}\` is invalid: ${issue?.message ?? 'unknown problem'}`);
  }
  const claims = parsed.data;
  if (chainFromAct(claims.act) === null) return failure('CLAIMS_INVALID', 'credential claim `act` nests deeper than the delegation limit');
  if (claims.iat > Math.floor(now.getTime() / 1000) + tolerance) return failure('NOT_YET_VALID', 'credential was issued in the future');
  if (expectedTenant !== undefined && claims.tenant !== expectedTenant) {
    return failure('WRONG_TENANT', `credential belongs to tenant \`${show(claims.tenant)}\`, not \`${show(expectedTenant)}\``);
  }
  return claims;
}

// why: fail closed — if the revocation list cannot be read, a revoked credential must not pass.
async function revocationFailure(isRevoked: VerifyContext['isRevoked'], jti: string): Promise<VerifyFailure | null> {
  try {
    return (await isRevoked(jti)) === false ? null : failure('REVOKED', `credential \`${show(jti)}\` has been revoked`);
  } catch {
    return failure('REVOKED', `revocation status of credential \`${show(jti)}\` could not be checked`);
  }
}

function toIdentity(claims: AgentClaims, kid: string): AgentIdentity {
  return {
    agentId: claims.sub,
    tenant: claims.tenant,
    capabilities: [...claims.capabilities],
    actingFor: chainFromAct(claims.act) ?? [],
    credentialId: claims.jti,
    keyId: kid,
    expiresAt: new Date(claims.exp * 1000).toISOString(),
  };
}

function refuse(reason: VerifyFailure, token: unknown): VerifyResult {
  const unverified = hints(token);
  return unverified ? { ok: false, reason, unverified } : { ok: false, reason };
}

function hints(token: unknown): UnverifiedHints | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_BYTES) return undefined;
  const out: UnverifiedHints = {};
  const pick = (v: unknown) => (typeof v === 'string' && v !== '' ? v.slice(0, 128) : undefined);
  try {
    const kid = pick(decodeProtectedHeader(token).kid);
    if (kid) out.kid = kid;
    const claims = decodeJwt(token);
    for (const k of ['sub', 'tenant', 'jti'] as const) {
      const v = pick(claims[k]);
      if (v) out[k] = v;
    }
  } catch {
    // a token that does not decode has no hints; the reason already says why
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Attacker-controlled values go into messages shortened and without backticks. */
function show(v: unknown): string {
  return String(v).replace(/[`\u0000-\u001f]/g, '').slice(0, 64);
}
