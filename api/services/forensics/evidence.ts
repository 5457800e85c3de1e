/**
 * @module Evidence for auditors: export one task as a signed, redacted bundle (replay's builder
 * redacts every part and signs the manifest with the server's evidence key; the export is audited),
 * verify a bundle against the server's evidence keys, and publish the public keys.
 */
import { decodeProtectedHeader } from 'jose';
import { z } from 'zod';
import { sha256Hex } from '../../../lib/canonical-json.js';
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
async function agentKeysFor(deps: ServiceDeps, record: ReplayRecord): Promise<NonNullable<EvidenceInput['agentKeys']>> {
  const identity = record.summary.identity;
  if (!identity) return [];
  const stored = z.array(StoredKeySchema).parse(await deps.store.listSigningKeys(deps.store.pool)).find((k) => k.kid === identity.keyId);
  if (!stored) return [];
  const { kty, crv, x } = stored.publicJwk;
  return [{ kid: stored.kid, agentId: identity.agentId, publicJwk: { kty, crv, x }, credentialIds: [identity.credentialId] }];
}

/** The stored text of every policy set version that decided a step of the task. */
async function policySetsFor(deps: ServiceDeps, tenant: string, record: ReplayRecord): Promise<NonNullable<EvidenceInput['policySets']>> {
  const versions = new Set(record.steps.map((s) => s.assessment?.policySetVersion).filter((v): v is string => v !== undefined));
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

export function createEvidenceService(deps: ServiceDeps, keys: EvidenceKeys): EvidenceService {
  const jwks = createJwksSource(deps.store, keys);
  return {
    async export(viewer, taskId) {
      const { viewer: v, tenant } = investigatorScope(viewer, 'exportEvidence');
      const { row, history, record } = await loadTask(deps, tenant, taskId);
      const input: EvidenceInput = {
        tenant,
        scope: { kind: 'task' },
        tasks: [{
          taskId, history: history as { events: unknown[] }, metadata: metadataOf(row),
          auditEvents: (await deps.store.readChain(deps.store.pool, taskId)).map((e) => ({ seq: e.seq, chainId: e.chainId, chainSeq: e.chainSeq, prevHash: e.prevHash, hash: e.hash, event: { ...e.event } })),
          approvals: (await deps.store.listApprovalsForTask(deps.store.pool, tenant, taskId)).map((a) => ({ ...a })),
        }],
        policySets: await policySetsFor(deps, tenant, record),
        agentKeys: await agentKeysFor(deps, record),
        generatedAt: deps.now().toISOString(),
      };
      const signer = await keys.signer();
      const bundle = await buildEvidenceBundle(input, signer);
      const json = evidenceBundleToJSON(bundle);
      const digest = sha256Hex(json);
      await deps.store.transaction((db) => recordAudit(deps, db, {
        tenant, taskId, type: 'evidence.exported', viewer: v,
        data: { bundleId: bundle.manifest.bundleId, digest, keyId: signer.kid, bytes: Buffer.byteLength(json), redactions: bundle.manifest.redactions },
      }));
      return {
        taskId, bundle: json, digest, signature: bundle.signature, keyId: signer.kid, bundleId: bundle.manifest.bundleId,
        summaryMarkdown: evidenceSummaryMarkdown(bundle), summaryHtml: evidenceSummaryHtml(bundle),
      };
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
