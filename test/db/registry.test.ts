import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, getAgent, listAgents, setAgentStatus } from '../../db/queries/agents.js';
import { findApiKeyForAuth, insertApiKey, listApiKeys, revokeApiKey } from '../../db/queries/api-keys.js';
import { getCredential, insertCredential, revokeAgentCredentials, revokeCredential } from '../../db/queries/credentials.js';
import { enqueueEmail, listOutboxEmails } from '../../db/queries/outbox-emails.js';
import { activatePolicySet, createPolicySet, getActivePolicySet, listPolicySets, policySetVersion } from '../../db/queries/policy-sets.js';
import { getActiveSigningKeyWithPrivate, insertSigningKey, listSigningKeys, retireSigningKey } from '../../db/queries/signing-keys.js';
import { listTenants, upsertTenant } from '../../db/queries/tenants.js';
import { getTool, setToolStatus, upsertTool } from '../../db/queries/tools.js';
import { backends, openTestDatabase, type TestDatabase } from './helpers.js';

const now = new Date('2026-11-25T12:00:00Z');
const tool = { name: 'send_email', argsSchema: { type: 'object' }, requiredCapability: 'email:send', riskLevel: 'medium', sideEffect: 'external' } as const;

describe.each(backends())('registry repositories on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => db.close());

  it('registers tenants and agents, scoped by tenant', async () => {
    await upsertTenant(db.pool, { id: 'acme', name: 'Acme' });
    await upsertTenant(db.pool, { id: 'acme', name: 'Acme Corp' });
    expect(await listTenants(db.pool)).toMatchObject([{ id: 'acme', name: 'Acme Corp' }]);
    await expect(upsertTenant(db.pool, { id: 'a b', name: 'x' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'id' }] });
    const agent = await createAgent(db.pool, { id: 'agent-1', tenant: 'acme', name: 'Reporter', capabilities: ['sql:read', 'email:send', 'sql:read'] });
    expect(agent).toMatchObject({ capabilities: ['email:send', 'sql:read'], status: 'ACTIVE' });
    await expect(createAgent(db.pool, { id: 'agent-1', tenant: 'evil', name: 'x' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await getAgent(db.pool, 'evil', 'agent-1')).toBeNull();
    expect(await setAgentStatus(db.pool, 'acme', 'agent-1', 'SUSPENDED')).toMatchObject({ status: 'SUSPENDED' });
    expect(await listAgents(db.pool, 'acme')).toHaveLength(1);
  });

  it('never lists private signing keys and signs only with an active one', async () => {
    const pub = { kty: 'OKP', crv: 'Ed25519', x: 'pub' };
    await insertSigningKey(db.pool, { kid: 'k1', publicJwk: pub, privateJwk: { ...pub, d: 'secret-1' } });
    await insertSigningKey(db.pool, { kid: 'k2', publicJwk: pub, privateJwk: { ...pub, d: 'secret-2' } });
    await expect(insertSigningKey(db.pool, { kid: 'k3', publicJwk: { ...pub, d: 'leak' }, privateJwk: { ...pub, d: 'x' } })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'publicJwk' }] });
    const listed = await listSigningKeys(db.pool);
    expect(JSON.stringify(listed)).not.toContain('secret');
    expect(listed.map((k) => k.kid)).toEqual(['k1', 'k2']);
    await retireSigningKey(db.pool, 'k2', now);
    expect(await getActiveSigningKeyWithPrivate(db.pool)).toMatchObject({ kid: 'k1', privateJwk: { d: 'secret-1' } });
  });

  it('records credentials only for an agent of the same tenant and revokes them once', async () => {
    const c = { jti: 'jti-1', agentId: 'agent-1', tenant: 'acme', kid: 'k1', issuedAt: now, expiresAt: new Date(now.getTime() + 3600_000) };
    await insertCredential(db.pool, c);
    await expect(insertCredential(db.pool, { ...c, jti: 'jti-x', tenant: 'evil' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(insertCredential(db.pool, c)).rejects.toMatchObject({ code: 'CONFLICT' });
    const first = await revokeCredential(db.pool, { tenant: 'acme', jti: 'jti-1', reason: 'leaked', now });
    await revokeCredential(db.pool, { tenant: 'acme', jti: 'jti-1', reason: 'again', now: new Date(now.getTime() + 1) });
    expect(await getCredential(db.pool, 'jti-1')).toEqual(first);
    expect(first).toMatchObject({ revokedReason: 'leaked' });
    await insertCredential(db.pool, { ...c, jti: 'jti-2' });
    expect(await revokeAgentCredentials(db.pool, { tenant: 'acme', agentId: 'agent-1', reason: 'suspended', now })).toBe(1);
  });

  it('stores API key hashes for authentication only', async () => {
    await insertApiKey(db.pool, { keyId: 'key_admin01', hash: 'h'.repeat(64), subject: 'alice', roles: ['admin'], tenant: 'acme' });
    expect(JSON.stringify(await listApiKeys(db.pool, 'acme'))).not.toContain('hhhh');
    expect(await findApiKeyForAuth(db.pool, 'key_admin01')).toMatchObject({ hash: 'h'.repeat(64), roles: ['admin'], revokedAt: null });
    expect(await revokeApiKey(db.pool, 'evil', 'key_admin01', now)).toBeNull();
    expect(await revokeApiKey(db.pool, 'acme', 'key_admin01', now)).toMatchObject({ revokedAt: now.toISOString() });
  });

  it('versions a tool only when its definition changes', async () => {
    const v1 = await upsertTool(db.pool, { tenant: 'acme', definition: tool });
    expect(await upsertTool(db.pool, { tenant: 'acme', definition: tool })).toEqual(v1);
    const v2 = await upsertTool(db.pool, { tenant: 'acme', definition: { ...tool, riskLevel: 'high' } });
    expect(v2).toMatchObject({ version: 2, definition: { riskLevel: 'high', pathArgs: [] } });
    expect(v2.pinnedHash).not.toBe(v1.pinnedHash);
    expect(await setToolStatus(db.pool, 'acme', 'send_email', 'DISABLED')).toMatchObject({ status: 'DISABLED', version: 2 });
    expect(await getTool(db.pool, 'evil', 'send_email')).toBeNull();
  });

  it('keeps exactly one active policy set per tenant, even under concurrent activation', async () => {
    const sets = await Promise.all(['permit(principal, action, resource);', 'forbid(principal, action, resource);', '// v3'].map((cedar) =>
      createPolicySet(db.pool, { tenant: 'acme', cedar, createdBy: 'alice' })));
    expect(sets[0]!.version).toBe(policySetVersion('permit(principal, action, resource);'));
    expect(await createPolicySet(db.pool, { tenant: 'acme', cedar: sets[0]!.cedar, createdBy: 'bob' })).toEqual(sets[0]);
    await Promise.all(Array.from({ length: 12 }, (_, i) => activatePolicySet(db.pool, 'acme', sets[i % 3]!.version, now)));
    const active = (await listPolicySets(db.pool, 'acme')).filter((s) => s.active);
    expect(active).toHaveLength(1);
    expect(await activatePolicySet(db.pool, 'acme', sets[1]!.version, now)).toMatchObject({ active: true });
    expect(await getActivePolicySet(db.pool, 'acme')).toMatchObject({ version: sets[1]!.version });
    expect(await activatePolicySet(db.pool, 'acme', 'missing', now)).toBeNull();
    expect(await getActivePolicySet(db.pool, 'acme')).toMatchObject({ version: sets[1]!.version });
  });

  it('queues each e-mail once per idempotency key', async () => {
    const mail = { id: 'task-1/s2', tenant: 'acme', taskId: 'task-1', recipients: ['bob@example.com'], subject: 'Report', body: 'hi' };
    await Promise.all([enqueueEmail(db.pool, mail), enqueueEmail(db.pool, mail)]);
    expect(await listOutboxEmails(db.pool, 'acme', { taskId: 'task-1' })).toHaveLength(1);
    await expect(enqueueEmail(db.pool, { ...mail, id: 'x', recipients: ['not-an-email'] })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'recipients[0]' }] });
  });
});
