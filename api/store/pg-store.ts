/**
 * @module ApiStore over the repositories in db/queries: the one place where the API meets storage.
 * Mostly renaming; the shapes the API reads in (task pages, audit pages, steps and approvals by
 * task, cross-tenant lookups for the platform administrator) are adapted in task-search.ts and
 * task-rows.ts. All SQL lives in db/queries.
 */
import type pg from 'pg';
import { AuditEventSchema } from '../../governance/audit/schema.js';
import { appendAuditEvents, readChain } from '../../db/queries/audit.js';
import { getAgent, createAgent, listAgents } from '../../db/queries/agents.js';
import { findApiKeyForAuth, insertApiKey, revokeApiKey } from '../../db/queries/api-keys.js';
import { getBudgetsWithUsage, setBudget } from '../../db/queries/budgets.js';
import { getCredential, insertCredential, isCredentialLive, revokeCredential } from '../../db/queries/credentials.js';
import { activatePolicySet, createPolicySet, getActivePolicySet, listPolicySets } from '../../db/queries/policy-sets.js';
import { getActiveSigningKeyWithPrivate, insertSigningKey, listSigningKeys } from '../../db/queries/signing-keys.js';
import { createTask, recentTaskChanges, updateTask } from '../../db/queries/tasks.js';
import { recordReportedExecution } from '../../db/queries/tool-executions.js';
import { upsertStep } from '../../db/queries/steps.js';
import { listTenants, upsertTenant } from '../../db/queries/tenants.js';
import { listTools, upsertTool } from '../../db/queries/tools.js';
import { withTransaction, type Queryable } from '../../db/pool.js';
import { parseOrFail } from '../../lib/validation.js';
import type { ApiStore, BudgetRow, StoredAuditEvent } from './../services/store.js';
import { decideApprovalRow, getApprovalRow, getTaskRows, getTaskWithView, listApprovalsForTask, listPendingApprovals, listStepsOf } from './task-rows.js';
import { listAuditPage, searchTasks } from './task-search.js';

const q = (db: unknown) => db as Queryable;

/** Signing key rows as governance/identity's key ring reads them; only the active key carries its private half. */
async function keyRecords(db: Queryable): Promise<unknown[]> {
  const [keys, active] = [await listSigningKeys(db), await getActiveSigningKeyWithPrivate(db)];
  return keys.map((k) => ({
    kid: k.kid,
    publicJwk: k.publicJwk,
    ...(active && active.kid === k.kid ? { privateJwk: active.privateJwk } : {}),
    createdAt: k.createdAt,
    status: k.status === 'ACTIVE' ? 'active' : 'retired',
    ...(k.retiredAt ? { retiredAt: k.retiredAt } : {}),
  }));
}

function stored(e: Awaited<ReturnType<typeof readChain>>[number]): StoredAuditEvent {
  return { seq: e.seq, chainId: e.chainId, chainSeq: e.chainSeq, prevHash: e.prevHash, hash: e.hash, event: parseOrFail(AuditEventSchema, e.event, 'stored audit event') };
}

async function inAnyTenant<T>(db: Queryable, tenant: string | null, read: (tenant: string) => Promise<T | null>): Promise<T | null> {
  if (tenant !== null) return read(tenant);
  for (const t of await listTenants(db)) {
    const found = await read(t.id);
    if (found) return found;
  }
  return null;
}

/** Build the store on a pool (PGlite pools have one connection: every query inside a transaction uses its client). */
export function createPgStore(pool: pg.Pool): ApiStore {
  return {
    pool,
    transaction: (fn) => withTransaction(pool, (client) => fn(client)),

    ensureTenant: async (db, id) => {
      const known = (await listTenants(q(db))).some((t) => t.id === id);
      if (!known) await upsertTenant(q(db), { id, name: id });
    },
    listTenants: async (db) => (await listTenants(q(db))).map((t) => t.id),

    insertTask: async (db, row) => {
      const r = await createTask(q(db), { id: row.id, tenant: row.tenant, agentId: row.agentId, submittedBy: row.submittedBy, goal: row.goal, plan: row.plan, ...(row.summary ? { summary: row.summary } : {}) });
      return { row: r.task, created: r.created };
    },
    getTask: (db, tenant, id) => inAnyTenant(q(db), tenant, (t) => getTaskWithView(q(db), t, id)),
    listTasks: (db, filter, page) => searchTasks(q(db), filter, page),
    listSteps: (db, taskId) => listStepsOf(q(db), taskId),
    getTaskRows: (db, tenant, id) => getTaskRows(q(db), tenant, id),
    recentTaskChanges: (db, scope, limit) => recentTaskChanges(q(db), scope, limit),
    recordReportedResult: async (db, r) => {
      const key = `${r.taskId}/${r.stepId}`;
      const written = await recordReportedExecution(q(db), {
        key, tenant: r.tenant, taskId: r.taskId, stepId: r.stepId, tool: r.tool, now: r.at,
        ...(r.ok ? { status: 'SUCCEEDED' as const, result: r.result ?? null } : { status: 'FAILED' as const, error: r.error }),
      });
      const e = written.execution;
      if (written.recorded) {
        await upsertStep(q(db), { taskId: r.taskId, stepId: r.stepId, tool: r.tool, args: r.args, executed: r.ok, ...(r.ok ? { result: r.result ?? null } : { error: r.error ?? undefined }) });
      }
      return { recorded: written.recorded, ok: e.status === 'SUCCEEDED', result: e.result, error: e.error };
    },
    failTask: async (db, tenant, id, reason) => {
      await updateTask(q(db), tenant, id, { status: 'DONE', outcome: 'FAILED', summary: { reasons: [reason] }, completedAt: new Date() });
    },

    getApproval: (db, tenant, id) => inAnyTenant(q(db), tenant, (t) => getApprovalRow(q(db), t, id)),
    listApprovalsForTask: (db, tenant, taskId) => listApprovalsForTask(q(db), tenant, taskId),
    listPendingApprovals: (db, tenant, limit, now) => listPendingApprovals(q(db), tenant, limit, now),
    decideApproval: (db, d) => decideApprovalRow(q(db), d),

    insertAgent: (db, row) => createAgent(q(db), { id: row.id, tenant: row.tenant, name: row.name, capabilities: row.capabilities }),
    getAgent: (db, tenant, id) => getAgent(q(db), tenant, id),
    listAgents: (db, tenant) => listAgents(q(db), tenant),

    listSigningKeys: (db) => keyRecords(q(db)),
    insertSigningKey: async (db, record) => {
      if (!record.privateJwk) throw new Error('a signing key needs its private half to be stored');
      await insertSigningKey(q(db), { kid: record.kid, publicJwk: record.publicJwk as { kty: string }, privateJwk: record.privateJwk as { kty: string } });
    },
    insertCredential: async (db, row) => {
      await insertCredential(q(db), { jti: row.jti, agentId: row.agentId, tenant: row.tenant, kid: row.kid, issuedAt: new Date(), expiresAt: new Date(row.expiresAt) });
    },
    getCredential: (db, jti) => getCredential(q(db), jti),
    isCredentialLive: (db, jti) => isCredentialLive(q(db), jti),
    revokeCredential: (db, tenant, jti, reason, at) => revokeCredential(q(db), { tenant, jti, reason, now: at }),

    insertApiKey: async (db, row) => ({ ...(await insertApiKey(q(db), row)), hash: row.hash }),
    getApiKey: (db, keyId) => findApiKeyForAuth(q(db), keyId),
    revokeApiKey: async (db, tenant, keyId, at) => {
      const k = await revokeApiKey(q(db), tenant, keyId, at);
      return k ? { ...k, hash: '' } : null;
    },

    upsertTool: (db, tenant, def) => upsertTool(q(db), { tenant, definition: def }),
    listTools: (db, tenant) => listTools(q(db), tenant),

    publishPolicySet: async (db, row) => {
      const created = await createPolicySet(q(db), { tenant: row.tenant, cedar: row.cedar, description: row.description, createdBy: row.createdBy });
      if (!row.activate) return created;
      return (await activatePolicySet(q(db), row.tenant, created.version, new Date()))!;
    },
    activatePolicySet: (db, tenant, version) => activatePolicySet(q(db), tenant, version, new Date()),
    listPolicySets: (db, tenant) => listPolicySets(q(db), tenant),
    getActivePolicySet: (db, tenant) => getActivePolicySet(q(db), tenant),

    setBudget: async (db, b) => ({ ...(await setBudget(q(db), b)), usage: [] }),
    budgetsWithUsage: async (db, tenant, now, taskId) => (await getBudgetsWithUsage(q(db), tenant, { now, ...(taskId ? { taskId } : {}) })) as BudgetRow[],

    appendAudit: async (db, events) => {
      await appendAuditEvents(q(db), events);
    },
    listAudit: (db, filter, page) => listAuditPage(q(db), filter, page),
    readChain: async (db, chainId) => (await readChain(q(db), chainId)).map(stored),
  };
}
