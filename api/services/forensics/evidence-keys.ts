/**
 * @module The server's evidence signing key: Ed25519, generated once and stored; its private half is
 * used only here to sign bundle manifests and never leaves the server. Public halves are published in
 * the JWKS with `use: "evidence"` so verifiers of agent credentials (which select `use: "sig"`) can
 * tell the two purposes apart; the kid is `evidence-` plus the key's RFC 7638 thumbprint.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import {
  getActiveEvidenceKeyWithPrivate, insertEvidenceKey, listEvidenceKeys, type EvidenceKeyWithPrivate, type PublicEvidenceKey,
} from '../../../db/queries/evidence-keys.js';
import type { Queryable } from '../../../db/pool.js';
import type { EvidenceSigner } from '../../../replay/index.js';

/** Where the keys are kept (db/queries/evidence-keys.ts over the pool in production). */
export interface EvidenceKeyStore {
  listPublic(): Promise<PublicEvidenceKey[]>;
  activeWithPrivate(): Promise<EvidenceKeyWithPrivate | null>;
  insert(key: { kid: string; publicJwk: PublicEvidenceKey['publicJwk']; privateJwk: EvidenceKeyWithPrivate['privateJwk'] }): Promise<void>;
}

/** A public evidence key as the JWKS publishes it. */
export interface EvidenceJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'evidence';
}

export interface EvidenceKeys {
  /** Make sure an active key exists (generated and stored on first use); returns its kid. */
  ensure(): Promise<string>;
  /** The active key as replay's bundle builder expects it. */
  signer(): Promise<EvidenceSigner>;
  /** Every evidence key's public half, active and retired (retired keys still verify old bundles). */
  publicJwks(): Promise<EvidenceJwk[]>;
}

export const EVIDENCE_KID_PREFIX = 'evidence-';

/** The store over the API's pool; `pool` is the ApiStore's opaque handle, a pg pool in every deployment. */
export function pgEvidenceKeyStore(pool: unknown): EvidenceKeyStore {
  const db = pool as Queryable;
  return {
    listPublic: () => listEvidenceKeys(db),
    activeWithPrivate: () => getActiveEvidenceKeyWithPrivate(db),
    insert: (k) => insertEvidenceKey(db, k),
  };
}

async function generate(): Promise<Parameters<EvidenceKeyStore['insert']>[0]> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const pub = await exportJWK(publicKey);
  const priv = await exportJWK(privateKey);
  const publicJwk = { kty: 'OKP' as const, crv: 'Ed25519' as const, x: pub.x! };
  return { kid: `${EVIDENCE_KID_PREFIX}${await calculateJwkThumbprint(publicJwk, 'sha256')}`, publicJwk, privateJwk: { ...publicJwk, d: priv.d! } };
}

const PUBLIC_TTL_MS = 10_000;

export function createEvidenceKeys(store: EvidenceKeyStore): EvidenceKeys {
  let active: Promise<EvidenceKeyWithPrivate> | undefined;
  let published: { at: number; keys: EvidenceJwk[] } | undefined;

  async function loadActive(): Promise<EvidenceKeyWithPrivate> {
    const found = await store.activeWithPrivate();
    if (found) return found;
    await store.insert(await generate());
    published = undefined;
    // why read back: when two processes race, both insert and both then sign with the same (newest) key.
    const stored = await store.activeWithPrivate();
    if (!stored) throw new Error('the evidence signing key could not be stored');
    return stored;
  }

  function current(): Promise<EvidenceKeyWithPrivate> {
    active ??= loadActive().catch((e: unknown) => {
      active = undefined;
      throw e;
    });
    return active;
  }

  return {
    ensure: async () => (await current()).kid,
    async signer() {
      const k = await current();
      return { kid: k.kid, privateJwk: { ...k.privateJwk } };
    },
    async publicJwks() {
      // why cached: the JWKS route needs no authentication, so each request must not cost a query.
      if (published && Date.now() - published.at < PUBLIC_TTL_MS) return published.keys.map((k) => ({ ...k }));
      const keys = (await store.listPublic()).map((k): EvidenceJwk => ({ ...k.publicJwk, kid: k.kid, alg: 'EdDSA', use: 'evidence' }));
      published = { at: Date.now(), keys };
      return keys.map((k) => ({ ...k }));
    },
  };
}
