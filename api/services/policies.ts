/**
 * @module Policy sets: admins publish Cedar text (validated; errors come back as data with line and
 * column; a valid set becomes active) and roll back by activating an earlier version.
 */
import { compilePolicySet, type CompiledPolicySet } from '../../governance/policy/index.js';
import { InterceptorError } from '../../lib/errors.js';
import { notFound, readTenant, requireRole, writeTenant } from '../access.js';
import { forTenants, recordAudit, type ServiceDeps } from './deps.js';
import { driftOverRecentTasks } from './forensics/drift.js';
import type { PolicySetRow } from './store.js';
import type { DriftReportModel, PolicyService, PolicySetModel } from './types.js';

/** How many of the tenant's most recent tasks the publish-time drift preview re-decides. */
export const DRIFT_PREVIEW_TASKS = 50;

function policySetModel(p: PolicySetRow): PolicySetModel {
  return { version: p.version, tenant: p.tenant, description: p.description || null, cedar: p.cedar, active: p.active, createdBy: p.createdBy, createdAt: p.createdAt };
}

export function createPolicyService(deps: ServiceDeps): PolicyService {
  const { store } = deps;

  // why never fatal: the set is already published and active; a preview that fails must not hide that.
  async function driftPreview(tenant: string, policy: CompiledPolicySet): Promise<DriftReportModel | null> {
    try {
      return await driftOverRecentTasks(deps, tenant, policy, { lastN: DRIFT_PREVIEW_TASKS });
    } catch (e) {
      deps.logger.warn({ err: e, tenant, version: policy.version }, 'drift preview of a published policy set failed');
      return null;
    }
  }

  return {
    async list(viewer) {
      const v = requireRole(viewer, 'admin', 'investigator');
      return (await forTenants(store, readTenant(v), (t) => store.listPolicySets(store.pool, t))).map(policySetModel);
    },

    async active(viewer, tenant) {
      const v = requireRole(viewer, 'admin', 'investigator', 'approver');
      const t = readTenant(v, tenant);
      if (t === null) throw new InterceptorError('BAD_USER_INPUT', 'the platform administrator must name a `tenant`', { issues: [{ path: 'tenant', message: 'required for the platform administrator' }] });
      const row = await store.getActivePolicySet(store.pool, t);
      return row ? policySetModel(row) : null;
    },

    async publish(viewer, input) {
      const v = requireRole(viewer, 'admin');
      const tenant = writeTenant(v, input.tenant);
      const compiled = compilePolicySet(input.cedar);
      if (!compiled.ok) {
        return { version: null, policySet: null, activated: false, errors: compiled.errors.map((e) => ({ message: e.message, line: e.line, column: e.column, policyId: e.policyId ?? null })) };
      }
      const version = compiled.policySet.version;
      const row = await store.transaction(async (db) => {
        await store.ensureTenant(db, tenant);
        const r = await store.publishPolicySet(db, { tenant, version, cedar: compiled.policySet.text, description: input.description ?? '', createdBy: v.id, activate: true });
        await recordAudit(deps, db, { tenant, type: 'policy.published', viewer: v, data: { version, activated: true, policies: compiled.policySet.policies.map((p) => p.id), description: input.description ?? '' } });
        return r;
      });
      return { version, policySet: policySetModel(row), activated: true, errors: [], driftPreview: await driftPreview(tenant, compiled.policySet) };
    },

    async activate(viewer, input) {
      const v = requireRole(viewer, 'admin');
      const tenant = writeTenant(v, input.tenant);
      const existing = (await store.listPolicySets(store.pool, tenant)).find((p) => p.version === input.version);
      if (!existing) throw notFound('policy set', input.version);
      // why: a version published under an older schema may no longer validate; activating it would fail closed everywhere.
      const compiled = compilePolicySet(existing.cedar);
      if (!compiled.ok) {
        throw new InterceptorError('CONFLICT', `policy set \`${input.version}\` no longer validates and cannot be activated`, { issues: compiled.errors.map((e) => ({ path: `${e.line}:${e.column}`, message: e.message })) });
      }
      return store.transaction(async (db) => {
        const row = await store.activatePolicySet(db, tenant, input.version);
        if (!row) throw notFound('policy set', input.version);
        await recordAudit(deps, db, { tenant, type: 'policy.published', viewer: v, data: { version: input.version, activated: true, rollback: true } });
        return policySetModel(row);
      });
    },
  };
}
