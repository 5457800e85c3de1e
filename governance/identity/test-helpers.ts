/** @module Fixtures shared by the identity tests: a ring, a forger that signs anything, base64url helpers. */
import { importJWK, type CryptoKey, type JWTPayload } from 'jose';
import { createKeyRing, generateSigningKey, type KeyRing, type SigningKeyRecord } from './keys.js';
import type { VerifyContext } from './verify.js';

export const T0 = new Date('2026-11-25T12:00:00.000Z');
export const T0_SEC = Math.floor(T0.getTime() / 1000);
export const AUD = 'interceptor';
export const ISS = 'https://interceptor.example/acme';

export interface Fixture {
  record: SigningKeyRecord;
  ring: KeyRing;
}

export async function fixture(): Promise<Fixture> {
  const record = await generateSigningKey(T0);
  return { record, ring: await createKeyRing([record]) };
}

export function ctx(ring: KeyRing, over: Partial<VerifyContext> = {}): VerifyContext {
  return { ring, audience: AUD, issuer: ISS, now: T0, isRevoked: () => false, ...over };
}

export function validClaims(over: Record<string, unknown> = {}): JWTPayload {
  return { sub: 'agent-1', tenant: 'acme', capabilities: ['docs.read'], jti: 'jti-1', iss: ISS, aud: AUD, iat: T0_SEC, nbf: T0_SEC, exp: T0_SEC + 600, ...over };
}

/** Sign any header and payload with a record's private key, bypassing jose's checks: how tests forge well-signed but bad tokens. */
export async function signRaw(record: SigningKeyRecord, payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const key = (await importJWK(record.privateJwk!, 'EdDSA')) as CryptoKey;
  const input = `${b64({ alg: 'EdDSA', typ: 'agent+jwt', kid: record.kid, ...header })}.${b64(payload)}`;
  const sig = await crypto.subtle.sign('Ed25519', key, new TextEncoder().encode(input));
  return `${input}.${Buffer.from(sig).toString('base64url')}`;
}

export const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
export const unb64 = (s: string): Record<string, unknown> => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Record<string, unknown>;
