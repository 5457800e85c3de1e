/**
 * @module Evidence for auditors: export one task (or a tenant's tasks of a time range) as a signed, redacted bundle (replay's builder
 * redacts every part and signs the manifest with the server's evidence key; the export is audited),
 * verify a bundle against the server's evidence keys, and publish the public keys.
 */
import { decodeProtectedHeader } from 'jose';
import { z } from 'zod';
import { sha256Hex } from '../../../lib/canonical-json.js';
import { InterceptorError } from '../../../lib/errors.js';
import {
  buildEvidenceBundle, evidenceBundleToJSON, evidenceSummaryHtml, evidenceSummaryMarkdown, verifyEvidenceBundle, type EvidenceInput, type ReplayRecord,
} from '../../../replay/index.js';
import { requireRole, requireViewer } from '../../access.js';
import { recordAudit, type ServiceDeps } from '../deps.js';
import type { TaskRow } from '../store.js';
import type { EvidenceService } from '../types.js';
import type { EvidenceKeys } from './evidence-keys.js';
import { createJwksSource } from './jwks.js';
import { investigatorScope, loadTask } from './load.js';

const StoredKeySchema = z.looseObject({ kid: z.string(), publicJwk: z.looseObject({ kty: z.string(), crv: z.string(), x: z.string() }) });

/** Only the public members of a stored agent key travel into a bundle. */
async function agentKeysFor(deps: ServiceDeps, records: ReplayRecord[]): Promise<NonNullable<EvidenceInput['agentKeys']>> {
  const identities = records.map((r) => r.summary.identity).filter((i): i is NonNullable<typeof i> => i !== undefined);
  if (identities.length === 0) return [];
  const stored = z.array(StoredKeySchema).parse(await deps.store.listSigningKeys(deps.store.pool));
  const byKid = new Map<string, { kid: string; agentId?: string; publicJwk: Record<string, unknown>; credentialIds: string[] }>();
  for (const identity of identities) {
    const key = stored.find((k) => k.kid === identity.keyId);
    if (!key) continue;
    const { kty, crv, x } = key.publicJwk;
    const entry = byKid.get(key.kid) ?? { kid: key.kid, agentId: identity.agentId, publicJwk: { kty, crv, x }, credentialIds: [] };
    if (!entry.credentialIds.includes(identity.credentialId)) entry.credentialIds.push(identity.credentialId);
    byKid.set(key.kid, entry);
  }
  return [...byKid.values()];
}

/** The stored text of every policy set version that decided a step of the task. */
async function policySetsFor(deps: ServiceDeps, tenant: string, records: ReplayRecord[]): Promise<NonNullable<EvidenceInput['policySets']>> {
  const versions = new Set(records.flatMap((r) => r.steps.map((s) => s.assessment?.policySetVersion)).filter((v): v is string => v !== undefined));
  if (versions.size === 0) return [];
  return (await deps.store.listPolicySets(deps.store.pool, tenant)).filter((p) => versions.has(p.version)).map((p) => ({ version: p.version, text: p.cedar }));
}

function metadataOf(row: TaskRow): Record<string, unknown> {
  return { goal: row.goal, agentId: row.agentId, submittedBy: row.submittedBy, status: row.status, outcome: row.outcome, createdAt: row.createdAt, completedAt: row.completedAt };
}

function signatureKid(bundle: string): string | null {
  try {
    const signature = (JSON.parse(bundle) as { signature?: unknown }).signature;
    const kid = typeof signature === 'string' ? decodeProtectedHeader(signature).kid : undefined;
    return typeof kid === 'string' ? kid : null;
  } catch {
    return null;
  }
}

/** At most this many tasks in one range bundle (it is returned in one response). */
const MAX_RANGE_TASKS = 100;

function inRange(at: string, range: { since: Date; until: Date }): boolean {
  const t = Date.parse(at);
  return t >= range.since.getTime() && t < range.until.getTime();
}

function chained(e: { seq: number; chainId: string; chainSeq: number; prevHash: string; hash: string; event: Record<string, unknown> }) {
  return { seq: e.seq, chainId: e.chainId, chainSeq: e.chainSeq, prevHash: e.prevHash, hash: e.hash, event: { ...e.event } };
}

export function createEvidenceService(deps: ServiceDeps, keys: EvidenceKeys): EvidenceService {
  const jwks = createJwksSource(deps.store, keys);

  async function taskEvidence(tenant: string, row: TaskRow, history: unknown) {
    return {
      taskId: row.id, history: history as { events: unknown[] }, metadata: metadataOf(row),
      auditEvents: (await deps.store.readChain(deps.store.pool, row.id)).map(chained),
      approvals: (await deps.store.listApprovalsForTask(deps.store.pool, tenant, row.id)).map((a) => ({ ...a })),
    };
  }

  /** Build and sign; what the export returns and what its audit event records. */
  async function signBundle(input: EvidenceInput) {
    const signer = await keys.signer();
    const bundle = await buildEvidenceBundle(input, signer);
    const json = evidenceBundleToJSON(bundle);
    const digest = sha256Hex(json);
    return {
      audit: { bundleId: bundle.manifest.bundleId, digest, keyId: signer.kid, bytes: Buffer.byteLength(json), redactions: bundle.manifest.redactions },
      result: { bundle: json, digest, signature: bundle.signature, keyId: signer.kid, bundleId: bundle.manifest.bundleId, summaryMarkdown: evidenceSummaryMarkdown(bundle), summaryHtml: evidenceSummaryHtml(bundle) },
    };
  }

  return {
    async export(viewer, taskId) {
      const { viewer: v, tenant } = investigatorScope(viewer, 'exportEvidence');
      const { row, history, record } = await loadTask(deps, tenant, taskId);
      const signed = await signBundle({
        tenant,
        scope: { kind: 'task' },
        tasks: [await taskEvidence(tenant, row, history)],
        policySets: await policySetsFor(deps, tenant, [record]),
        agentKeys: await agentKeysFor(deps, [record]),
        generatedAt: deps.now().toISOString(),
      });
      await deps.store.transaction((db) => recordAudit(deps, db, { tenant, taskId, type: 'evidence.exported', viewer: v, data: signed.audit }));
      return { taskId, ...signed.result };
    },

    async exportRange(viewer, range) {
      const { viewer: v, tenant } = investigatorScope(viewer, 'exportTenantEvidence');
      const page = await deps.store.listTasks(deps.store.pool, { tenant, from: range.since, to: range.until }, { first: MAX_RANGE_TASKS + 1 });
      if (page.rows.length === 0) throw new InterceptorError('NOT_FOUND', `tenant \`${tenant}\` has no task created in that range`);
      if (page.rows.length > MAX_RANGE_TASKS) {
        throw new InterceptorError('BAD_USER_INPUT', `more than ${MAX_RANGE_TASKS} tasks were created in that range; export a narrower range`, { issues: [{ path: 'until', message: `the range holds more than ${MAX_RANGE_TASKS} tasks` }] });
      }
      const loaded = [];
      for (const { row } of page.rows) loaded.push(await loadTask(deps, tenant, row.id));
      const records = loaded.map((l) => l.record);
      const signed = await signBundle({
        tenant,
        scope: { kind: 'range', from: range.since.toISOString(), to: range.until.toISOString() },
        tasks: await Promise.all(loaded.map((l) => taskEvidence(tenant, l.row, l.history))),
        tenantAuditEvents: (await deps.store.readChain(deps.store.pool, `tenant:${tenant}`)).filter((e) => inRange(String(e.event.at ?? ''), range)).map(chained),
        policySets: await policySetsFor(deps, tenant, records),
        agentKeys: await agentKeysFor(deps, records),
        generatedAt: deps.now().toISOString(),
      });
      await deps.store.transaction((db) => recordAudit(deps, db, {
        tenant, type: 'evidence.exported', viewer: v, data: { ...signed.audit, since: range.since.toISOString(), until: range.until.toISOString(), tasks: loaded.length },
      }));
      return { tenant, since: range.since.toISOString(), until: range.until.toISOString(), tasks: loaded.length, ...signed.result };
    },

    async verify(viewer, bundle) {
      requireRole(viewer, 'investigator', 'admin');
      const r = await verifyEvidenceBundle(bundle, { keys: await keys.publicJwks() });
      return {
        valid: r.ok,
        keyId: signatureKid(bundle),
        failures: r.failures.map((f) => ({ code: f.code, part: f.part, eventIndex: f.index ?? null, message: f.message })),
        notes: r.notes,
      };
    },

    async publicKeys(viewer) {
      requireViewer(viewer);
      return { keys: await keys.publicJwks() };
    },

    jwks,
    ensureKey: () => keys.ensure(),
  };
}
