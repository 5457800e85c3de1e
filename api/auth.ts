/**
 * @module Authentication of one request from `Authorization: Bearer <token>`. Three kinds of token:
 * the bootstrap administrator token (platform administrator, every tenant), API keys `ik_...` for
 * people and services (roles and tenant from the key's row), and agent credentials (EdDSA JWTs verified
 * by governance/identity; role `agent`, tenant from the token).
 */
import { timingSafeEqual } from 'node:crypto';
import { API_KEY_PREFIX, apiKeyId, verifyApiKey } from '../governance/identity/index.js';
import type { AgentIdentity } from '../governance/types.js';
import { sha256Hex } from '../lib/canonical-json.js';
import { InterceptorError } from '../lib/errors.js';
import { ROLES, type Role, type Viewer } from './access.js';

/** Longest bearer token accepted; agent JWTs are far smaller, and identity refuses > 8 KiB anyway. */
const MAX_TOKEN_CHARS = 8192;

export interface ApiKeyRecord {
  keyId: string;
  hash: string;
  subject: string;
  roles: string[];
  tenant: string;
  revokedAt: string | null;
}

export type AgentVerification =
  | { ok: true; identity: AgentIdentity }
  | { ok: false; reason: { code: string; message: string } };

/** What authentication needs from the rest of the system. */
export interface AuthPorts {
  /** SHA-256 hex of the bootstrap administrator token. */
  bootstrapTokenHash: string;
  findApiKey(keyId: string): Promise<ApiKeyRecord | null>;
  /** Verifies signature, expiry, audience, issuer and revocation of an agent credential. */
  verifyAgentToken(token: string): Promise<AgentVerification>;
}

export { sha256Hex };

/** Compare two hex digests in constant time (length is not secret: both are SHA-256). */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

function unauthenticated(message: string): InterceptorError {
  return new InterceptorError('UNAUTHENTICATED', message);
}

function bearerToken(header: string): string {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!m) throw unauthenticated('the Authorization header must be `Bearer <token>`');
  if (m[1]!.length > MAX_TOKEN_CHARS) throw unauthenticated('the bearer token is too long');
  return m[1]!;
}

function toRoles(values: readonly string[]): Role[] {
  return values.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
}

async function apiKeyViewer(token: string, ports: AuthPorts): Promise<Viewer> {
  const keyId = apiKeyId(token);
  const row = keyId === null ? null : await ports.findApiKey(keyId);
  // INVARIANT: unknown key and wrong secret give the same answer, so keys cannot be enumerated.
  if (!row || !verifyApiKey(token, row.hash)) throw unauthenticated('invalid API key');
  if (row.revokedAt) throw unauthenticated('the API key has been revoked');
  return { id: row.subject, kind: 'user', roles: toRoles(row.roles), tenant: row.tenant, platformAdmin: false, apiKeyId: row.keyId, actingFor: [] };
}

async function agentViewer(token: string, ports: AuthPorts): Promise<Viewer> {
  const r = await ports.verifyAgentToken(token);
  if (!r.ok) throw unauthenticated(`invalid agent credential: ${r.reason.message}`);
  const { identity } = r;
  return {
    id: identity.agentId,
    kind: 'agent',
    roles: ['agent'],
    tenant: identity.tenant,
    platformAdmin: false,
    agentId: identity.agentId,
    credentialId: identity.credentialId,
    agent: identity,
    actingFor: identity.actingFor,
  };
}

export const PLATFORM_ADMIN: Viewer = Object.freeze({
  id: 'platform-admin',
  kind: 'user' as const,
  roles: Object.freeze(['admin', 'investigator'] as Role[]),
  tenant: null,
  platformAdmin: true,
  actingFor: Object.freeze([] as string[]),
});

/**
 * The viewer of a request: null without an Authorization header; throws UNAUTHENTICATED for a
 * header that is present but not valid (a bad token never degrades to anonymous access).
 */
export async function authenticate(header: string | null, ports: AuthPorts): Promise<Viewer | null> {
  if (header === null || header.trim() === '') return null;
  const token = bearerToken(header);
  if (digestsEqual(sha256Hex(token), ports.bootstrapTokenHash)) return PLATFORM_ADMIN;
  if (token.startsWith(API_KEY_PREFIX)) return apiKeyViewer(token, ports);
  if (token.split('.').length === 3) return agentViewer(token, ports);
  throw unauthenticated('unrecognised bearer token');
}
