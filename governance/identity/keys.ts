/**
 * @module Ed25519 signing keys and the key ring. The newest active key signs; retired keys still
 * verify until they are removed, so rotation never invalidates credentials already issued.
 * A key's id is its RFC 7638 JWK thumbprint, so a kid cannot be attached to a different key.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey } from 'jose';
import { z } from 'zod';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';

const b64url32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes in base64url');

export const PublicJwkSchema = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: b64url32 });
export type PublicJwk = z.infer<typeof PublicJwkSchema>;
export const PrivateJwkSchema = PublicJwkSchema.extend({ d: b64url32 });
export type PrivateJwk = z.infer<typeof PrivateJwkSchema>;

export const KEY_STATUSES = ['active', 'retired'] as const;

export const SigningKeyRecordSchema = z.object({
  kid: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be an RFC 7638 SHA-256 thumbprint'),
  publicJwk: PublicJwkSchema,
  /** Absent on verification-only rings (for example a proxy that checks but never issues). */
  privateJwk: PrivateJwkSchema.optional(),
  createdAt: z.iso.datetime({ offset: true }),
  status: z.enum(KEY_STATUSES),
  retiredAt: z.iso.datetime({ offset: true }).optional(),
});
export type SigningKeyRecord = z.infer<typeof SigningKeyRecordSchema>;

/** A JWK as published for offline verifiers (evidence bundles, other services). */
export type PublishedJwk = PublicJwk & { kid: string; alg: 'EdDSA'; use: 'sig' };

export interface KeyRing {
  /** The kid that signs new credentials, or null when the ring can only verify. */
  readonly activeKid: string | null;
  readonly kids: readonly string[];
  /** @internal the issuer's key; null without an active private key. */
  signingKey(): { kid: string; key: CryptoKey } | null;
  verificationKey(kid: string): CryptoKey | undefined;
  publicJwks(): { keys: PublishedJwk[] };
}

/** Create a new active Ed25519 key; store the record (its privateJwk is a secret) and build a ring from all records. */
export async function generateSigningKey(now: Date): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const pub = await exportJWK(publicKey);
  const priv = await exportJWK(privateKey);
  const publicJwk = PublicJwkSchema.parse({ kty: pub.kty, crv: pub.crv, x: pub.x });
  return {
    kid: await calculateJwkThumbprint(publicJwk, 'sha256'),
    publicJwk,
    privateJwk: PrivateJwkSchema.parse({ ...publicJwk, d: priv.d }),
    createdAt: now.toISOString(),
    status: 'active',
  };
}

/** Retire every active key and add a fresh active one. Retired keys keep verifying until removed. */
export async function rotateSigningKeys(records: readonly SigningKeyRecord[], now: Date): Promise<SigningKeyRecord[]> {
  const fresh = await generateSigningKey(now);
  const retired = records.map((r): SigningKeyRecord => (r.status === 'active' ? { ...r, status: 'retired', retiredAt: now.toISOString() } : r));
  return [...retired, fresh];
}

/** Drop a key: credentials it signed stop verifying (UNKNOWN_KID). */
export function removeSigningKey(records: readonly SigningKeyRecord[], kid: string): SigningKeyRecord[] {
  return records.filter((r) => r.kid !== kid);
}

/** Build a ring from stored records. Throws BAD_USER_INPUT on a malformed record, a kid that is not its key's thumbprint, or a duplicate kid. */
export async function createKeyRing(records: readonly unknown[]): Promise<KeyRing> {
  const parsed = parseOrFail(z.array(SigningKeyRecordSchema), records, 'signing keys');
  const verifiers = new Map<string, CryptoKey>();
  for (const r of parsed) {
    await checkRecord(r, verifiers);
    verifiers.set(r.kid, (await importJWK(r.publicJwk, 'EdDSA')) as CryptoKey);
  }
  const signer = newestActive(parsed);
  const signing = signer?.privateJwk ? { kid: signer.kid, key: await importPrivate(signer.kid, signer.privateJwk) } : null;
  if (signing) await checkKeyPair(signing.kid, signing.key, verifiers.get(signing.kid)!);
  const published = parsed.map((r): PublishedJwk => ({ ...r.publicJwk, kid: r.kid, alg: 'EdDSA', use: 'sig' }));
  return Object.freeze({
    activeKid: signing?.kid ?? null,
    kids: Object.freeze(parsed.map((r) => r.kid)),
    signingKey: () => signing,
    verificationKey: (kid: string) => verifiers.get(kid),
    publicJwks: () => ({ keys: published.map((k) => ({ ...k })) }),
  });
}

async function checkRecord(r: SigningKeyRecord, seen: ReadonlyMap<string, unknown>): Promise<void> {
  const bad = (message: string) => new InterceptorError('BAD_USER_INPUT', message, { issues: [{ path: 'kid', message }] });
  if (seen.has(r.kid)) throw bad(`signing key \`${r.kid}\` appears twice`);
  if ((await calculateJwkThumbprint(r.publicJwk, 'sha256')) !== r.kid) throw bad(`signing key \`${r.kid}\` is not the thumbprint of its public key`);
  if (r.privateJwk && r.privateJwk.x !== r.publicJwk.x) throw mismatch(r.kid);
}

function mismatch(kid: string, cause?: unknown): InterceptorError {
  const message = `signing key \`${kid}\` has a private key that does not match its public key`;
  return new InterceptorError('BAD_USER_INPUT', message, { issues: [{ path: 'privateJwk', message: 'does not match publicJwk' }], cause });
}

async function importPrivate(kid: string, jwk: PrivateJwk): Promise<CryptoKey> {
  try {
    return (await importJWK(jwk, 'EdDSA')) as CryptoKey;
  } catch (cause) {
    throw mismatch(kid, cause);
  }
}

// why: some runtimes do not check the JWK's `d` against `x` on import; a mismatched pair would issue
// credentials nobody can verify, so the signer proves itself once when the ring is built.
async function checkKeyPair(kid: string, priv: CryptoKey, pub: CryptoKey): Promise<void> {
  const probe = new TextEncoder().encode(`interceptor key probe ${kid}`);
  const sig = await crypto.subtle.sign('Ed25519', priv, probe);
  if (!(await crypto.subtle.verify('Ed25519', pub, sig, probe))) throw mismatch(kid);
}

// why: ties on createdAt are broken by kid so that every process picks the same signer.
function newestActive(records: readonly SigningKeyRecord[]): SigningKeyRecord | undefined {
  return records
    .filter((r) => r.status === 'active' && r.privateJwk !== undefined)
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0))[0];
}
