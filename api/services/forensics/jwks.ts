/**
 * @module The published key set (`GET /.well-known/jwks.json`): agent credential verification keys
 * (`use: "sig"`, as the key ring publishes them) and evidence signing keys (`use: "evidence"`).
 * Public halves only; read through a short cache because the route needs no authentication.
 */
import { createKeyRing, type PublishedJwk } from '../../../governance/identity/index.js';
import type { ApiStore } from '../store.js';
import type { EvidenceJwk, EvidenceKeys } from './evidence-keys.js';

export interface PublishedKeySet {
  keys: Array<PublishedJwk | EvidenceJwk>;
}

const AGENT_KEYS_TTL_MS = 10_000;

export function createJwksSource(store: ApiStore, evidence: EvidenceKeys): () => Promise<PublishedKeySet> {
  let agent: { at: number; keys: PublishedJwk[] } | undefined;

  async function agentKeys(): Promise<PublishedJwk[]> {
    if (agent && Date.now() - agent.at < AGENT_KEYS_TTL_MS) return agent.keys;
    // why through the key ring: it checks every kid against its key's thumbprint before anything is published.
    const ring = await createKeyRing(await store.listSigningKeys(store.pool));
    agent = { at: Date.now(), keys: ring.publicJwks().keys };
    return agent.keys;
  }

  return async () => {
    const [a, e] = [await agentKeys(), await evidence.publicJwks()];
    return { keys: [...a.map((k) => ({ ...k })), ...e] };
  };
}
