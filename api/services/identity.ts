/**
 * @module Agent credentials for the API: the key ring (loaded from the signing_keys table, cached,
 * reloaded when a token names a key it has not seen), verification with revocation, and issuance.
 */
import { createKeyRing, generateSigningKey, issueAgentCredential, verifyAgentCredential, type KeyRing } from '../../governance/identity/index.js';
import type { AgentVerification } from '../auth.js';
import type { AgentRow, ApiStore } from './store.js';

export interface IdentityConfig {
  issuer: string;
  audience: string;
  /** How long a loaded key ring is trusted before it is read again (rotation elsewhere). */
  ringTtlMs?: number;
}

export interface IdentityService {
  /** Make sure an active signing key exists (called once at start). */
  ensureSigningKey(): Promise<void>;
  verify(token: string): Promise<AgentVerification>;
  /**
   * Sign a credential for an agent. The caller records it (insertCredential) in its transaction;
   * signing happens first because the embedded database has one connection.
   */
  sign(agent: AgentRow, opts: { actingFor: string[]; ttlSeconds: number }): Promise<{ token: string; jti: string; expiresAt: string; kid: string }>;
}

const RELOAD_MIN_INTERVAL_MS = 5_000;

export const DEFAULT_ISSUER = 'interceptor';
export const DEFAULT_AUDIENCE = 'interceptor-api';

export function createIdentityService(store: ApiStore, config: IdentityConfig, now: () => Date): IdentityService {
  let cached: { ring: KeyRing; at: number } | null = null;
  const ttl = config.ringTtlMs ?? 30_000;

  async function ring(force = false): Promise<KeyRing> {
    if (!force && cached && Date.now() - cached.at < ttl) return cached.ring;
    cached = { ring: await createKeyRing(await store.listSigningKeys(store.pool)), at: Date.now() };
    return cached.ring;
  }

  // why: an unknown credential id is not one this service issued; treat it like a revoked one.
  async function isRevoked(jti: string): Promise<boolean> {
    return !(await store.isCredentialLive(store.pool, jti));
  }

  async function verifyWith(r: KeyRing, token: string) {
    return verifyAgentCredential(token, { ring: r, audience: config.audience, issuer: config.issuer, now: now(), isRevoked });
  }

  return {
    async ensureSigningKey() {
      const r = await ring(true);
      if (r.activeKid) return;
      await store.insertSigningKey(store.pool, await generateSigningKey(now()));
      await ring(true);
    },
    async verify(token) {
      let result = await verifyWith(await ring(), token);
      // why: at most one forced reload per interval, so tokens with made-up kids cannot hammer the database.
      if (!result.ok && result.reason.code === 'UNKNOWN_KID' && Date.now() - (cached?.at ?? 0) > RELOAD_MIN_INTERVAL_MS) {
        result = await verifyWith(await ring(true), token);
      }
      return result.ok ? { ok: true, identity: result.identity } : { ok: false, reason: result.reason };
    },
    async sign(agent, opts) {
      return issueAgentCredential(
        { agentId: agent.id, tenant: agent.tenant, capabilities: agent.capabilities, actingFor: opts.actingFor, ttlSeconds: opts.ttlSeconds, audience: config.audience, issuer: config.issuer, now: now() },
        await ring(),
      );
    },
  };
}
