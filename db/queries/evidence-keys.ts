/**
 * @module Evidence signing keys. The private JWK is stored (encryption at rest is out of scope, as for
 * agent keys) but only `getActiveEvidenceKeyWithPrivate` returns it; listings are public-only.
 */
import { z } from 'zod';
import { parseOrFail } from '../../lib/validation.js';
import type { Queryable } from '../pool.js';
import { iso, isoOrNull, jsonParam, readJson } from '../rows.js';

const PublicJwkSchema = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().min(1) });
const PrivateJwkSchema = PublicJwkSchema.extend({ d: z.string().min(1) });

export interface PublicEvidenceKey {
  kid: string;
  publicJwk: z.infer<typeof PublicJwkSchema>;
  status: 'ACTIVE' | 'RETIRED';
  createdAt: string;
  retiredAt: string | null;
}
export interface EvidenceKeyWithPrivate extends PublicEvidenceKey {
  privateJwk: z.infer<typeof PrivateJwkSchema>;
}

const KeyInputSchema = z.object({
  kid: z.string().min(1).max(256),
  publicJwk: PublicJwkSchema.strict(),
  privateJwk: PrivateJwkSchema.strict(),
}).refine((k) => k.publicJwk.x === k.privateJwk.x, { path: ['privateJwk'], message: 'must belong to publicJwk' });

interface KeyRow {
  kid: string;
  public_jwk: unknown;
  status: 'ACTIVE' | 'RETIRED';
  created_at: Date;
  retired_at: Date | null;
  private_jwk?: unknown;
}
const PUBLIC_COLUMNS = 'kid, public_jwk, status, created_at, retired_at';

function toPublic(r: KeyRow): PublicEvidenceKey {
  return { kid: r.kid, publicJwk: readJson(PublicJwkSchema, r.public_jwk, 'evidence_signing_keys.public_jwk'), status: r.status, createdAt: iso(r.created_at), retiredAt: isoOrNull(r.retired_at) };
}

/** Store a new active key; a kid already stored is left as it is (two processes may race at start). */
export async function insertEvidenceKey(db: Queryable, input: z.input<typeof KeyInputSchema>): Promise<void> {
  const k = parseOrFail(KeyInputSchema, input, 'evidence signing key');
  await db.query(
    'INSERT INTO evidence_signing_keys (kid, public_jwk, private_jwk) VALUES ($1::text, $2::jsonb, $3::jsonb) ON CONFLICT (kid) DO NOTHING',
    [k.kid, jsonParam(k.publicJwk), jsonParam(k.privateJwk)],
  );
}

/** Every evidence key, public parts only, oldest first (what the JWKS publishes). */
export async function listEvidenceKeys(db: Queryable): Promise<PublicEvidenceKey[]> {
  const r = await db.query<KeyRow>(`SELECT ${PUBLIC_COLUMNS} FROM evidence_signing_keys ORDER BY created_at, kid`);
  return r.rows.map(toPublic);
}

/** The newest active key with its private JWK; for the evidence signer only. Ties on time go to the larger kid. */
export async function getActiveEvidenceKeyWithPrivate(db: Queryable): Promise<EvidenceKeyWithPrivate | null> {
  const r = await db.query<KeyRow>(`SELECT ${PUBLIC_COLUMNS}, private_jwk FROM evidence_signing_keys WHERE status = 'ACTIVE' ORDER BY created_at DESC, kid DESC LIMIT 1`);
  const row = r.rows[0];
  return row ? { ...toPublic(row), privateJwk: readJson(PrivateJwkSchema, row.private_jwk, 'evidence_signing_keys.private_jwk') } : null;
}
