/** @module API keys for people and services: issued by admins of a tenant, shown once, revocable. */
import { generateApiKey } from '../../governance/identity/index.js';
import { InterceptorError } from '../../lib/errors.js';
import { inTenant, notFound, requireRole, writeTenant } from '../access.js';
import { recordAudit, type ServiceDeps } from './deps.js';
import type { ApiKeyRow } from './store.js';
import type { ApiKeyModel, ApiKeyService } from './types.js';

function apiKeyModel(k: ApiKeyRow): ApiKeyModel {
  return { id: k.keyId, subject: k.subject, roles: k.roles.map((r) => r.toUpperCase()), tenant: k.tenant, createdAt: k.createdAt, revokedAt: k.revokedAt };
}

export function createApiKeyService(deps: ServiceDeps): ApiKeyService {
  const { store } = deps;
  return {
    async issue(viewer, input) {
      const v = requireRole(viewer, 'admin');
      const tenant = writeTenant(v, input.tenant);
      // why: an agent must be registered and carry a signed credential; a bare key would bypass both.
      if (input.roles.includes('agent')) {
        throw new InterceptorError('BAD_USER_INPUT', 'agents authenticate with credentials from `registerAgent`, not API keys', { issues: [{ path: 'input.roles', message: 'must not include AGENT' }] });
      }
      const generated = generateApiKey();
      return store.transaction(async (db) => {
        await store.ensureTenant(db, tenant);
        const row = await store.insertApiKey(db, { keyId: generated.keyId, hash: generated.hash, subject: input.subject, roles: input.roles, tenant });
        await recordAudit(deps, db, { tenant, type: 'apikey.issued', viewer: v, data: { keyId: row.keyId, subject: row.subject, roles: row.roles } });
        return { apiKey: apiKeyModel(row), key: generated.key };
      });
    },

    async revoke(viewer, id) {
      const v = requireRole(viewer, 'admin');
      const row = await store.getApiKey(store.pool, id);
      if (!row || !inTenant(v, row.tenant)) throw notFound('API key', id);
      if (row.revokedAt) return apiKeyModel(row);
      return store.transaction(async (db) => {
        const revoked = await store.revokeApiKey(db, row.tenant, id, deps.now());
        if (!revoked) throw notFound('API key', id);
        await recordAudit(deps, db, { tenant: row.tenant, type: 'apikey.revoked', viewer: v, data: { keyId: id, subject: row.subject } });
        return apiKeyModel(revoked);
      });
    },
  };
}
