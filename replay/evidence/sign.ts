/** @module The manifest signature: a compact JWS (EdDSA, `kid`) over the manifest's canonical JSON. */
import { CompactSign, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { canonicalJson } from '../../lib/canonical-json.js';
import { InterceptorError } from '../../lib/errors.js';
import type { EvidenceManifest, EvidenceSigner } from './types.js';

export const JWS_TYPE = 'interceptor-evidence+jws';

export async function signManifest(manifest: EvidenceManifest, signer: EvidenceSigner): Promise<string> {
  if (typeof signer.privateJwk.d !== 'string') throw new InterceptorError('BAD_USER_INPUT', 'invalid signer: `privateJwk` holds no private key');
  const key = await importJWK(signer.privateJwk as JWK, 'EdDSA');
  return new CompactSign(new TextEncoder().encode(canonicalJson(manifest)))
    .setProtectedHeader({ alg: 'EdDSA', kid: signer.kid, typ: JWS_TYPE })
    .sign(key);
}

export type SignatureCheck =
  | { ok: true; payload: string; kid: string }
  | { ok: false; code: 'SIGNATURE_INVALID' | 'KEY_UNKNOWN'; message: string };

function keysOf(keys: JWK | { keys: JWK[] }): JWK[] {
  return 'keys' in keys && Array.isArray(keys.keys) ? keys.keys : [keys as JWK];
}

/** Verify the JWS with the key whose `kid` it names (a single key without `kid` is accepted for any kid). */
export async function verifySignature(jws: string, keys: JWK | { keys: JWK[] }): Promise<SignatureCheck> {
  let kid: string;
  try {
    const h = decodeProtectedHeader(jws);
    if (h.alg !== 'EdDSA' || typeof h.kid !== 'string') return { ok: false, code: 'SIGNATURE_INVALID', message: 'the signature header must name `alg` EdDSA and a `kid`' };
    kid = h.kid;
  } catch {
    return { ok: false, code: 'SIGNATURE_INVALID', message: 'the signature is not a compact JWS' };
  }
  const list = keysOf(keys);
  const jwk = list.find((k) => k.kid === kid) ?? (list.length === 1 && list[0]!.kid === undefined ? list[0] : undefined);
  if (!jwk) return { ok: false, code: 'KEY_UNKNOWN', message: `no public key with kid \`${kid}\`` };
  try {
    const key = await importJWK({ ...jwk, d: undefined } as JWK, 'EdDSA');
    const { payload } = await compactVerify(jws, key, { algorithms: ['EdDSA'] });
    return { ok: true, payload: new TextDecoder().decode(payload), kid };
  } catch (e) {
    return { ok: false, code: 'SIGNATURE_INVALID', message: `the signature does not verify with key \`${kid}\`: ${e instanceof Error ? e.message : String(e)}` };
  }
}
