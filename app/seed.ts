/**
 * @module Idempotent demo seed for `npm start`: tenant `demo`, the five demo tools, the default
 * policy pack, a daily cost budget, a demo agent with a credential and an approver key. Everything
 * goes through the same services (and audit trail) as the API. The secrets a person needs for the
 * first request are kept in `<dataDir>/demo.json` (0600) so a restart can print them again.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PLATFORM_ADMIN } from '../api/auth.js';
import type { ApiStore } from '../api/services/store.js';
import type { Services } from '../api/services/types.js';
import { loadDefaultPolicyPack } from '../governance/policy/default-pack.js';
import { DEMO_TOOLS } from '../policies/demo-tools.js';

export const DEMO_TENANT = 'demo';
const DEMO_FILE = 'demo.json';
/** Re-issue the demo credential when less than this much of its life is left. */
const RENEW_BEFORE_MS = 3_600_000;

const DemoSecretsSchema = z.object({
  agentId: z.string(),
  agentToken: z.string(),
  agentTokenExpiresAt: z.string(),
  approverKeyId: z.string(),
  approverKey: z.string(),
});
export type DemoSecrets = z.infer<typeof DemoSecretsSchema>;

async function readSecrets(dir: string): Promise<Partial<DemoSecrets>> {
  try {
    const r = DemoSecretsSchema.partial().safeParse(JSON.parse(await readFile(join(dir, DEMO_FILE), 'utf8')));
    return r.success ? r.data : {};
  } catch {
    return {};
  }
}

async function seedTools(services: Services, store: ApiStore): Promise<void> {
  const known = new Set((await store.listTools(store.pool, DEMO_TENANT)).map((t) => t.name));
  for (const t of DEMO_TOOLS.filter((d) => !known.has(d.name))) {
    await services.tools.register(PLATFORM_ADMIN, {
      name: t.name, description: t.description, argsSchema: t.argsSchema, requiredCapability: t.requiredCapability, riskLevel: t.riskLevel,
      sideEffect: t.sideEffect, costPerCallUsd: t.cost.perCallUsd, pathArgs: t.pathArgs, urlArgs: t.urlArgs, urlAllowlist: t.urlAllowlist,
      maxStringLength: t.maxStringLength, tenant: DEMO_TENANT,
    });
  }
}

async function seedPolicyAndBudget(services: Services, store: ApiStore): Promise<void> {
  if (!(await store.getActivePolicySet(store.pool, DEMO_TENANT))) {
    const pack = loadDefaultPolicyPack();
    const r = await services.policies.publish(PLATFORM_ADMIN, { cedar: pack.text, description: 'default policy pack', tenant: DEMO_TENANT });
    if (!r.activated) throw new Error(`the default policy pack does not validate: ${r.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; ')}`);
  }
  if ((await store.budgetsWithUsage(store.pool, DEMO_TENANT, new Date())).length === 0) {
    await services.budgets.set(PLATFORM_ADMIN, { scope: 'tenant', metric: 'cost_usd', window: 'day', limit: 10, tenant: DEMO_TENANT });
  }
}

async function seedAgent(services: Services, store: ApiStore, old: Partial<DemoSecrets>): Promise<Pick<DemoSecrets, 'agentId' | 'agentToken' | 'agentTokenExpiresAt'>> {
  const agent = old.agentId ? await store.getAgent(store.pool, DEMO_TENANT, old.agentId) : null;
  if (agent && old.agentToken && old.agentTokenExpiresAt && Date.parse(old.agentTokenExpiresAt) - Date.now() > RENEW_BEFORE_MS) {
    const cred = await store.getCredential(store.pool, tokenId(old.agentToken) ?? '');
    if (cred && !cred.revokedAt) return { agentId: agent.id, agentToken: old.agentToken, agentTokenExpiresAt: old.agentTokenExpiresAt };
  }
  if (agent) {
    const c = await services.agents.issueCredential(PLATFORM_ADMIN, { agentId: agent.id, tenant: DEMO_TENANT, actingFor: ['demo-user'] });
    return { agentId: agent.id, agentToken: c.token, agentTokenExpiresAt: c.expiresAt };
  }
  const capabilities = [...new Set(DEMO_TOOLS.map((t) => t.requiredCapability))];
  const r = await services.agents.register(PLATFORM_ADMIN, { name: 'demo-agent', capabilities, tenant: DEMO_TENANT, actingFor: ['demo-user'] });
  return { agentId: r.agent.id, agentToken: r.credential.token, agentTokenExpiresAt: r.credential.expiresAt };
}

/** The `jti` of a JWT we issued (read without verifying: only to find its row). */
function tokenId(token: string): string | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const jti = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown }).jti;
    return typeof jti === 'string' ? jti : null;
  } catch {
    return null;
  }
}

async function seedApprover(services: Services, store: ApiStore, old: Partial<DemoSecrets>): Promise<Pick<DemoSecrets, 'approverKeyId' | 'approverKey'>> {
  const row = old.approverKeyId ? await store.getApiKey(store.pool, old.approverKeyId) : null;
  if (row && !row.revokedAt && old.approverKey) return { approverKeyId: row.keyId, approverKey: old.approverKey };
  const r = await services.apiKeys.issue(PLATFORM_ADMIN, { subject: 'demo-approver', roles: ['approver', 'investigator'], tenant: DEMO_TENANT });
  return { approverKeyId: r.apiKey.id, approverKey: r.key };
}

/** Seed what is missing and return the demo secrets (also written to `<dataDir>/demo.json`, mode 0600). */
export async function seedDemo(services: Services, store: ApiStore, dataDir: string): Promise<DemoSecrets> {
  await seedTools(services, store);
  await seedPolicyAndBudget(services, store);
  const old = await readSecrets(dataDir);
  const secrets: DemoSecrets = { ...(await seedAgent(services, store, old)), ...(await seedApprover(services, store, old)) };
  await writeFile(join(dataDir, DEMO_FILE), `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
