/** @module Agents and their credentials: register, issue, revoke, list (admins manage their tenant). */
import { randomUUID } from 'node:crypto';
import { InterceptorError } from '../../lib/errors.js';
import { inTenant, notFound, readTenant, requireRole, writeTenant, type Viewer } from '../access.js';
import { forTenants, recordAudit, type ServiceDeps } from './deps.js';
import type { AgentRow, CredentialRow, Db } from './store.js';
import type { AgentModel, AgentService, CredentialModel, IssuedCredentialModel } from './types.js';

function agentModel(a: AgentRow): AgentModel {
  return { id: a.id, tenant: a.tenant, name: a.name, capabilities: a.capabilities, status: a.status, createdAt: a.createdAt };
}

function credentialModel(c: CredentialRow): CredentialModel {
  return { id: c.jti, agentId: c.agentId, expiresAt: c.expiresAt, revokedAt: c.revokedAt };
}

export function createAgentService(deps: ServiceDeps): AgentService {
  const { store, identity } = deps;

  /** Sign first (no connection held), then record the credential and its audit event in `db`. */
  async function issueFor(db: Db, v: Viewer, agent: AgentRow, actingFor: string[], ttlSeconds: number, signed: Awaited<ReturnType<typeof identity.sign>>): Promise<IssuedCredentialModel> {
    await store.insertCredential(db, { jti: signed.jti, agentId: agent.id, tenant: agent.tenant, kid: signed.kid, expiresAt: signed.expiresAt });
    await recordAudit(deps, db, {
      tenant: agent.tenant, type: 'credential.issued', viewer: v,
      data: { agentId: agent.id, credentialId: signed.jti, kid: signed.kid, expiresAt: signed.expiresAt, actingFor, ttlSeconds },
    });
    return { id: signed.jti, agentId: agent.id, token: signed.token, expiresAt: signed.expiresAt };
  }

  return {
    async list(viewer) {
      const v = requireRole(viewer, 'admin', 'investigator');
      const rows = await forTenants(store, readTenant(v), (t) => store.listAgents(store.pool, t));
      return rows.map(agentModel);
    },

    async register(viewer, input) {
      const v = requireRole(viewer, 'admin');
      const tenant = writeTenant(v, input.tenant);
      const actingFor = input.actingFor ?? [];
      const ttlSeconds = input.ttlSeconds ?? deps.config.credentialTtlSeconds;
      const draft: AgentRow = { id: `agent_${randomUUID()}`, tenant, name: input.name, capabilities: [...new Set(input.capabilities)].sort(), status: 'ACTIVE', createdAt: deps.now().toISOString() };
      const signed = await identity.sign(draft, { actingFor, ttlSeconds });
      return store.transaction(async (db) => {
        await store.ensureTenant(db, tenant);
        const agent = await store.insertAgent(db, draft);
        await recordAudit(deps, db, { tenant, type: 'agent.registered', viewer: v, data: { agentId: agent.id, name: agent.name, capabilities: agent.capabilities } });
        const credential = await issueFor(db, v, agent, actingFor, ttlSeconds, signed);
        return { agent: agentModel(agent), credential };
      });
    },

    async issueCredential(viewer, input) {
      const v = requireRole(viewer, 'admin');
      const agent = await store.getAgent(store.pool, writeTenant(v, input.tenant), input.agentId);
      if (!agent) throw notFound('agent', input.agentId);
      if (agent.status !== 'ACTIVE') throw new InterceptorError('CONFLICT', `agent \`${agent.id}\` is ${agent.status.toLowerCase()}`);
      const actingFor = input.actingFor ?? [];
      const ttlSeconds = input.ttlSeconds ?? deps.config.credentialTtlSeconds;
      const signed = await identity.sign(agent, { actingFor, ttlSeconds });
      return store.transaction((db) => issueFor(db, v, agent, actingFor, ttlSeconds, signed));
    },

    async revokeCredential(viewer, id) {
      const v = requireRole(viewer, 'admin');
      const cred = await store.getCredential(store.pool, id);
      if (!cred || !inTenant(v, cred.tenant)) throw notFound('credential', id);
      if (cred.revokedAt) return credentialModel(cred);
      return store.transaction(async (db) => {
        const revoked = await store.revokeCredential(db, cred.tenant, id, `revoked by ${v.id}`, deps.now());
        if (!revoked) throw notFound('credential', id);
        await recordAudit(deps, db, { tenant: cred.tenant, type: 'credential.revoked', viewer: v, data: { agentId: cred.agentId, credentialId: id } });
        return credentialModel(revoked);
      });
    },
  };
}
