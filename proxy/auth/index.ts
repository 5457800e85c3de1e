/**
 * @module Agent authentication at the proxy. Credentials are the Ed25519 JWTs Interceptor issues;
 * they are verified with verifyAgentCredential against public keys from a JWKS file or URL. Keys
 * are cached (re-read after `ttlMs`, or at once when an unknown kid appears, at most every
 * `minRefreshMs`). When no key set can be loaded, every credential is refused (fail closed).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { createKeyRing, verifyAgentCredential, type KeyRing, type VerifyFailure } from '../../governance/identity/index.js';
import type { AgentIdentity } from '../../governance/types.js';
import { parseOrFail } from '../../lib/validation.js';

/** Defaults of the API's identity service (api/services/identity.ts). */
export const DEFAULT_ISSUER = 'interceptor';
export const DEFAULT_AUDIENCE = 'interceptor-api';

const JwksSchema = z.object({
  keys: z.array(z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), kid: z.string(), use: z.string().optional() }).loose()).max(100),
});

export interface AuthOptions {
  jwks: string;
  issuer?: string;
  audience?: string;
  ttlMs?: number;
  minRefreshMs?: number;
  now?: () => Date;
}

export type AuthResult =
  | { ok: true; identity: AgentIdentity }
  | { ok: false; status: 401 | 503; code: string; message: string };

export interface Authenticator {
  authenticate(token: string | undefined): Promise<AuthResult>;
}

export function createAuthenticator(opts: AuthOptions): Authenticator {
  const now = opts.now ?? (() => new Date());
  const ttl = opts.ttlMs ?? 300_000;
  const minRefresh = opts.minRefreshMs ?? 10_000;
  let cached: { at: number; ring: Promise<KeyRing> } | undefined;
  const ring = (force: boolean): Promise<KeyRing> => {
    const age = cached ? Date.now() - cached.at : Infinity;
    if (!cached || age > ttl || (force && age > minRefresh)) {
      const entry = { at: Date.now(), ring: loadRing(opts.jwks) };
      entry.ring.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached.ring;
  };
  const verify = async (token: string, force: boolean) =>
    verifyAgentCredential(token, { ring: await ring(force), issuer: opts.issuer ?? DEFAULT_ISSUER, audience: opts.audience ?? DEFAULT_AUDIENCE, now: now(), isRevoked: () => false });
  // why a cache: HTTP agents present the same credential on every request; an entry lives until
  // the credential expires or for a minute, whichever is first, so key removal still takes effect.
  const verified = new Map<string, { until: number; identity: AgentIdentity }>();
  return {
    async authenticate(token) {
      if (token === undefined || token.length === 0) return { ok: false, status: 401, code: 'NO_CREDENTIAL', message: 'an agent credential is required' };
      const hit = verified.get(token);
      if (hit && hit.until > now().getTime()) return { ok: true, identity: hit.identity };
      try {
        let r = await verify(token, false);
        if (!r.ok && r.reason.code === 'UNKNOWN_KID') r = await verify(token, true);
        if (!r.ok) return refused(r.reason);
        if (verified.size >= 10_000) verified.clear();
        verified.set(token, { until: Math.min(Date.parse(r.identity.expiresAt), now().getTime() + 60_000), identity: r.identity });
        return r;
      } catch {
        return { ok: false, status: 503, code: 'KEYS_UNAVAILABLE', message: 'the signing keys could not be loaded, so no credential can be verified' };
      }
    },
  };
}

function refused(reason: VerifyFailure): AuthResult {
  return { ok: false, status: 401, code: reason.code, message: reason.message };
}

/** A verification-only ring from a published JWKS (file path or http(s) URL). */
export async function loadRing(source: string): Promise<KeyRing> {
  const json = await readSource(source);
  const jwks = parseOrFail(JwksSchema, json, `key set \`${source}\``);
  const epoch = new Date(0).toISOString();
  // why: the API's key set also publishes evidence-signing keys (`use: "evidence"`); only signature keys for credentials verify agents.
  const credentialKeys = jwks.keys.filter((k) => k.use === undefined || k.use === 'sig');
  return createKeyRing(credentialKeys.map((k) => ({ kid: k.kid, publicJwk: { kty: k.kty, crv: k.crv, x: k.x }, createdAt: epoch, status: 'retired' })));
}

async function readSource(source: string): Promise<unknown> {
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`key set \`${source}\` answered HTTP ${res.status}`);
    return res.json();
  }
  return JSON.parse(await readFile(source, 'utf8'));
}
