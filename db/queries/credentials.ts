/** @module Agent credentials (JWT ids): issued, checked for revocation, revoked. */
import { z } from 'zod';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';
import type { Queryable } from '../pool.js';
import { iso, isoOrNull, isUniqueViolation } from '../rows.js';

export interface Credential {
  jti: string;
  agentId: string;
  tenant: string;
  kid: string;
  issuedAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
}

const CredentialInputSchema = z.object({
  jti: z.string().min(1).max(256),
  agentId: z.string().min(1).max(256),
  tenant: z.string().min(1).max(128),
  kid: z.string().min(1).max(256),
  issuedAt: z.date(),
  expiresAt: z.date(),
}).refine((c) => c.expiresAt > c.issuedAt, { message: 'must be after issuedAt', path: ['expiresAt'] });

interface CredentialRow {
  jti: string;
  agent_id: string;
  tenant: string;
  kid: string;
  issued_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
}
const COLUMNS = 'jti, agent_id, tenant, kid, issued_at, expires_at, revoked_at, revoked_reason';
const toCredential = (r: CredentialRow): Credential => ({
  jti: r.jti, agentId: r.agent_id, tenant: r.tenant, kid: r.kid, issuedAt: iso(r.issued_at), expiresAt: iso(r.expires_at),
  revokedAt: isoOrNull(r.revoked_at), revokedReason: r.revoked_reason,
});

/** Record an issued credential; its agent must exist in the same tenant. */
export async function insertCredential(db: Queryable, input: z.input<typeof CredentialInputSchema>): Promise<Credential> {
  const c = parseOrFail(CredentialInputSchema, input, 'credential');
  try {
    const r = await db.query<CredentialRow>(
      `INSERT INTO credentials (jti, agent_id, tenant, kid, issued_at, expires_at)
       SELECT $1::text, a.id, a.tenant, $4::text, $5::timestamptz, $6::timestamptz FROM agents a WHERE a.id = $2::text AND a.tenant = $3::text
       RETURNING ${COLUMNS}`,
      [c.jti, c.agentId, c.tenant, c.kid, c.issuedAt, c.expiresAt],
    );
    if (!r.rows[0]) throw new InterceptorError('NOT_FOUND', `agent \`${c.agentId}\` does not exist`);
    return toCredential(r.rows[0]);
  } catch (e) {
    if (isUniqueViolation(e)) throw new InterceptorError('CONFLICT', `credential \`${c.jti}\` already exists`);
    throw e;
  }
}

export async function getCredential(db: Queryable, jti: string): Promise<Credential | null> {
  const r = await db.query<CredentialRow>(`SELECT ${COLUMNS} FROM credentials WHERE jti = $1::text`, [jti]);
  return r.rows[0] ? toCredential(r.rows[0]) : null;
}

/** True when the credential is registered, not revoked, and its agent is active: one round trip per authenticated request. */
export async function isCredentialLive(db: Queryable, jti: string): Promise<boolean> {
  const r = await db.query<{ live: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM credentials c JOIN agents a ON a.tenant = c.tenant AND a.id = c.agent_id
                     WHERE c.jti = $1::text AND c.revoked_at IS NULL AND a.status = 'ACTIVE') AS live`,
    [jti],
  );
  return r.rows[0]?.live === true;
}

export async function listCredentials(db: Queryable, tenant: string, agentId: string): Promise<Credential[]> {
  const r = await db.query<CredentialRow>(`SELECT ${COLUMNS} FROM credentials WHERE tenant = $1::text AND agent_id = $2::text ORDER BY issued_at, jti`, [tenant, agentId]);
  return r.rows.map(toCredential);
}

/** Revoke once: the first revocation's time and reason stand. Null when the tenant has no such credential. */
export async function revokeCredential(db: Queryable, input: { tenant: string; jti: string; reason: string; now: Date }): Promise<Credential | null> {
  const r = await db.query<CredentialRow>(
    `UPDATE credentials SET revoked_at = coalesce(revoked_at, $3::timestamptz), revoked_reason = coalesce(revoked_reason, $4::text)
      WHERE tenant = $1::text AND jti = $2::text RETURNING ${COLUMNS}`,
    [input.tenant, input.jti, input.now, input.reason],
  );
  return r.rows[0] ? toCredential(r.rows[0]) : null;
}

/** Revoke every live credential of an agent (when it is suspended or retired); returns how many. */
export async function revokeAgentCredentials(db: Queryable, input: { tenant: string; agentId: string; reason: string; now: Date }): Promise<number> {
  const r = await db.query(
    `UPDATE credentials SET revoked_at = $3::timestamptz, revoked_reason = $4::text
      WHERE tenant = $1::text AND agent_id = $2::text AND revoked_at IS NULL`,
    [input.tenant, input.agentId, input.now, input.reason],
  );
  return r.rowCount ?? 0;
}
