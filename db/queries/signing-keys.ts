/**
 * @module Signing keys for agent credentials. The private JWK is stored (encryption at rest is out of
 * scope) but only `getActiveSigningKeyWithPrivate` returns it; every listing is public-only.
 */
import { z } from 'zod';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';
import type { Queryable } from '../pool.js';
import { iso, isoOrNull, jsonParam, readJson, isUniqueViolation } from '../rows.js';

const JwkSchema = z.looseObject({ kty: z.string().min(1) });
export type Jwk = z.infer<typeof JwkSchema>;

export interface PublicSigningKey {
  kid: string;
  alg: string;
  publicJwk: Jwk;
  status: 'ACTIVE' | 'RETIRED';
  createdAt: string;
  retiredAt: string | null;
}
export interface SigningKeyWithPrivate extends PublicSigningKey {
  privateJwk: Jwk;
}

const KeyInputSchema = z.object({
  kid: z.string().min(1).max(256),
  alg: z.string().min(1).max(32).default('EdDSA'),
  publicJwk: JwkSchema.refine((j) => !('d' in j), 'must not contain private key material'),
  privateJwk: JwkSchema.refine((j) => 'd' in j, 'must contain the private key'),
});

interface KeyRow {
  kid: string;
  alg: string;
  public_jwk: unknown;
  status: 'ACTIVE' | 'RETIRED';
  created_at: Date;
  retired_at: Date | null;
  private_jwk?: unknown;
}
const PUBLIC_COLUMNS = 'kid, alg, public_jwk, status, created_at, retired_at';

function toPublic(r: KeyRow): PublicSigningKey {
  return { kid: r.kid, alg: r.alg, publicJwk: readJson(JwkSchema, r.public_jwk, 'signing_keys.public_jwk'), status: r.status, createdAt: iso(r.created_at), retiredAt: isoOrNull(r.retired_at) };
}

export async function insertSigningKey(db: Queryable, input: z.input<typeof KeyInputSchema>): Promise<PublicSigningKey> {
  const k = parseOrFail(KeyInputSchema, input, 'signing key');
  try {
    const r = await db.query<KeyRow>(
      `INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk) VALUES ($1::text, $2::text, $3::jsonb, $4::jsonb) RETURNING ${PUBLIC_COLUMNS}`,
      [k.kid, k.alg, jsonParam(k.publicJwk), jsonParam(k.privateJwk)],
    );
    return toPublic(r.rows[0]!);
  } catch (e) {
    if (isUniqueViolation(e)) throw new InterceptorError('CONFLICT', `signing key \`${k.kid}\` already exists`);
    throw e;
  }
}

/** Every key, public parts only (what a JWKS endpoint or a verifier needs). */
export async function listSigningKeys(db: Queryable): Promise<PublicSigningKey[]> {
  const r = await db.query<KeyRow>(`SELECT ${PUBLIC_COLUMNS} FROM signing_keys ORDER BY created_at, kid`);
  return r.rows.map(toPublic);
}

export async function getPublicSigningKey(db: Queryable, kid: string): Promise<PublicSigningKey | null> {
  const r = await db.query<KeyRow>(`SELECT ${PUBLIC_COLUMNS} FROM signing_keys WHERE kid = $1::text`, [kid]);
  return r.rows[0] ? toPublic(r.rows[0]) : null;
}

/** The newest active key including its private JWK; for the credential issuer only. */
export async function getActiveSigningKeyWithPrivate(db: Queryable): Promise<SigningKeyWithPrivate | null> {
  const r = await db.query<KeyRow>(`SELECT ${PUBLIC_COLUMNS}, private_jwk FROM signing_keys WHERE status = 'ACTIVE' ORDER BY created_at DESC, kid DESC LIMIT 1`);
  const row = r.rows[0];
  return row ? { ...toPublic(row), privateJwk: readJson(JwkSchema, row.private_jwk, 'signing_keys.private_jwk') } : null;
}

/** Stop signing with a key (it still verifies credentials it issued); null when unknown. */
export async function retireSigningKey(db: Queryable, kid: string, now: Date): Promise<PublicSigningKey | null> {
  const r = await db.query<KeyRow>(
    `UPDATE signing_keys SET status = 'RETIRED', retired_at = coalesce(retired_at, $2::timestamptz) WHERE kid = $1::text RETURNING ${PUBLIC_COLUMNS}`,
    [kid, now],
  );
  return r.rows[0] ? toPublic(r.rows[0]) : null;
}
