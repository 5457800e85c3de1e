/**
 * @module API keys for human and service callers. Only a hash is stored. Lookup is by key id; the
 * caller compares the presented secret's hash in constant time (crypto.timingSafeEqual).
 */
import { z } from 'zod';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';
import type { Queryable } from '../pool.js';
import { iso, isoOrNull, isUniqueViolation } from '../rows.js';

export interface ApiKey {
  keyId: string;
  subject: string;
  roles: string[];
  tenant: string;
  createdAt: string;
  revokedAt: string | null;
}
export interface ApiKeyWithHash extends ApiKey {
  hash: string;
}

const ApiKeyInputSchema = z.object({
  keyId: z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be 8-128 letters, digits, `_` or `-`'),
  hash: z.string().min(32).max(512),
  subject: z.string().min(1).max(256),
  roles: z.array(z.string().min(1).max(64)).max(50),
  tenant: z.string().min(1).max(128),
});

interface ApiKeyRow {
  key_id: string;
  hash: string;
  subject: string;
  roles: string[];
  tenant: string;
  created_at: Date;
  revoked_at: Date | null;
}
const toApiKey = (r: ApiKeyRow): ApiKey => ({ keyId: r.key_id, subject: r.subject, roles: r.roles, tenant: r.tenant, createdAt: iso(r.created_at), revokedAt: isoOrNull(r.revoked_at) });
const PUBLIC_COLUMNS = 'key_id, subject, roles, tenant, created_at, revoked_at';

export async function insertApiKey(db: Queryable, input: z.input<typeof ApiKeyInputSchema>): Promise<ApiKey> {
  const k = parseOrFail(ApiKeyInputSchema, input, 'api key');
  try {
    const r = await db.query<ApiKeyRow>(
      `INSERT INTO api_keys (key_id, hash, subject, roles, tenant) VALUES ($1::text, $2::text, $3::text, $4::text[], $5::text) RETURNING ${PUBLIC_COLUMNS}`,
      [k.keyId, k.hash, k.subject, k.roles, k.tenant],
    );
    return toApiKey(r.rows[0]!);
  } catch (e) {
    if (isUniqueViolation(e)) throw new InterceptorError('CONFLICT', `api key \`${k.keyId}\` already exists`);
    throw e;
  }
}

/** For authentication only: the key with its stored hash, revoked or not (the caller checks both). */
export async function findApiKeyForAuth(db: Queryable, keyId: string): Promise<ApiKeyWithHash | null> {
  const r = await db.query<ApiKeyRow>(`SELECT ${PUBLIC_COLUMNS}, hash FROM api_keys WHERE key_id = $1::text`, [keyId]);
  const row = r.rows[0];
  return row ? { ...toApiKey(row), hash: row.hash } : null;
}

/** A tenant's keys, without hashes. */
export async function listApiKeys(db: Queryable, tenant: string): Promise<ApiKey[]> {
  const r = await db.query<ApiKeyRow>(`SELECT ${PUBLIC_COLUMNS} FROM api_keys WHERE tenant = $1::text ORDER BY created_at, key_id`, [tenant]);
  return r.rows.map(toApiKey);
}

/** Revoke once (the first time stands); null when the tenant has no such key. */
export async function revokeApiKey(db: Queryable, tenant: string, keyId: string, now: Date): Promise<ApiKey | null> {
  const r = await db.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at = coalesce(revoked_at, $3::timestamptz) WHERE tenant = $1::text AND key_id = $2::text RETURNING ${PUBLIC_COLUMNS}`,
    [tenant, keyId, now],
  );
  return r.rows[0] ? toApiKey(r.rows[0]) : null;
}
