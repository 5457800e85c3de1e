/**
 * @module buildEvidenceBundle: one signed JSON file holding everything an auditor needs to check what
 * happened in one task (or a tenant's tasks in a time range), verifiable offline.
 */
import { digestJson, sha256Hex } from '../../lib/canonical-json.js';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';
import { historyToPlainJson, type HistoryJson } from '../history/to-json.js';
import { reconstruct } from '../reconstruct/index.js';
import type { ReplayRecord } from '../reconstruct/types.js';
import { fastCanonicalJson } from './canonical.js';
import { checkApprovals, checkIdentities, checkPolicies } from './checks.js';
import { controlsPart } from './controls.js';
import { redactHistoryEvents, redactValue } from './redaction.js';
import { signManifest } from './sign.js';
import { BUNDLE_FORMAT, EvidenceInputSchema, PART_NAMES, type ChainedAuditEvent, type EvidenceBundle, type EvidenceInput, type EvidenceManifest, type EvidenceParts, type EvidenceSigner, type PartName } from './types.js';
import type { z } from 'zod';
import type { StoredAuditEventInputSchema } from './types.js';

type StoredInput = z.output<typeof StoredAuditEventInputSchema>;
type Counts = Record<PartName, number>;

function jsonHistory(h: { events: unknown[] }): HistoryJson {
  // why: a history already in JSON spelling names its event types as strings; proto objects use numbers.
  const first = h.events[0] as { eventType?: unknown } | undefined;
  return typeof first?.eventType === 'string' ? (h as HistoryJson) : historyToPlainJson(h as never);
}

function auditChains(events: readonly StoredInput[], fallback: string, counts: Counts, opts: Input['redaction']): EvidenceParts['audit'] {
  const chains = new Map<string, ChainedAuditEvent[]>();
  for (const e of events) {
    const chainId = e.chainId ?? (typeof e.event.taskId === 'string' ? e.event.taskId : fallback);
    const r = redactValue(e.event, opts);
    counts.audit += r.count;
    const item: ChainedAuditEvent = { seq: e.chainSeq ?? e.seq, prevHash: e.prevHash, hash: e.hash, event: r.value, ...(r.changed ? { redactedAfterChain: true as const } : {}) };
    const list = chains.get(chainId);
    if (list) list.push(item);
    else chains.set(chainId, [item]);
  }
  return [...chains.entries()].map(([chainId, list]) => ({ chainId, events: list.sort((a, b) => a.seq - b.seq) }));
}

type Input = z.output<typeof EvidenceInputSchema>;

function taskParts(input: Input, counts: Counts): Pick<EvidenceParts, 'history' | 'approvals' | 'replay'> {
  const out: Pick<EvidenceParts, 'history' | 'approvals' | 'replay'> = { history: [], approvals: [], replay: [] };
  for (const t of input.tasks) {
    const history = jsonHistory(t.history);
    if (t.replayRecord && reconstruct(history).historyDigest !== t.replayRecord.historyDigest) {
      throw new InterceptorError('CONFLICT', `the replay record of task \`${t.taskId}\` was not built from the history given`);
    }
    const h = redactHistoryEvents(history.events, input.redaction);
    counts.history += h.count;
    const record: ReplayRecord = reconstruct({ events: h.events });
    if (record.summary.taskId !== undefined && record.summary.taskId !== t.taskId) {
      throw new InterceptorError('CONFLICT', `the history given for task \`${t.taskId}\` is the history of task \`${record.summary.taskId}\``);
    }
    const meta = redactValue(t.metadata, input.redaction);
    const approvals = redactValue(t.approvals, input.redaction);
    counts.replay += meta.count;
    counts.approvals += approvals.count;
    out.history.push({ taskId: t.taskId, events: h.events });
    out.approvals.push({ taskId: t.taskId, approvals: approvals.value });
    out.replay.push({ taskId: t.taskId, metadata: meta.value, record });
  }
  return out;
}

function sharedParts(input: Input, counts: Counts): Pick<EvidenceParts, 'audit' | 'policies' | 'identities'> {
  const audit = [
    ...input.tasks.flatMap((t) => auditChains(t.auditEvents, t.taskId, counts, input.redaction)),
    ...auditChains(input.tenantAuditEvents, `tenant:${input.tenant}`, counts, input.redaction),
  ];
  const policies = input.policySets.map((p) => {
    const r = redactValue(p.text, input.redaction);
    counts.policies += r.count;
    return { version: p.version, hash: p.hash ?? sha256Hex(p.text), text: r.value, ...(r.changed ? { redactedAfterHash: true as const } : {}) };
  });
  const identities = input.agentKeys.map((k) => {
    if (['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((f) => f in k.publicJwk)) {
      throw new InterceptorError('BAD_USER_INPUT', `invalid evidence input: \`agentKeys\`: key \`${k.kid}\` holds private key material`);
    }
    return { kid: k.kid, ...(k.agentId ? { agentId: k.agentId } : {}), publicJwk: k.publicJwk, credentialIds: k.credentialIds };
  });
  return { audit, policies, identities };
}

/** SHA-256 and size of a part's canonical JSON: what the manifest lists and the verifier recomputes. */
export function partDigest(part: unknown): { sha256: string; bytes: number } {
  const text = fastCanonicalJson(part);
  return { sha256: sha256Hex(text), bytes: Buffer.byteLength(text) };
}

/**
 * Build and sign an evidence bundle. Everything passes through redaction first (secrets never enter
 * the bundle); the replay records are rebuilt from the redacted histories. Throws BAD_USER_INPUT on
 * invalid input and CONFLICT when a given replay record or history does not belong to its task.
 */
export async function buildEvidenceBundle(input: EvidenceInput, signer: EvidenceSigner): Promise<EvidenceBundle> {
  const i = parseOrFail(EvidenceInputSchema, input, 'evidence input');
  const counts: Counts = { history: 0, audit: 0, policies: 0, identities: 0, approvals: 0, replay: 0, controls: 0 };
  const t = taskParts(i, counts);
  const s = sharedParts(i, counts);
  const auditCount = s.audit.reduce((n, c) => n + c.events.length, 0);
  // why: a bundle that would not verify is refused here, naming what is missing, instead of being handed out.
  const gaps = [...checkPolicies(s.policies, t.replay.map((r) => r.record)), ...checkIdentities(s.identities, t.replay.map((r) => r.record)), ...checkApprovals(t.approvals, t.replay)];
  if (gaps.length > 0) {
    throw new InterceptorError('BAD_USER_INPUT', `invalid evidence input: \`${gaps[0]!.part}\`: ${gaps[0]!.message}`, { issues: gaps.map((g) => ({ path: g.part, message: g.message })) });
  }
  const parts: EvidenceParts = { ...t, ...s, controls: controlsPart(t.replay.map((r) => r.record), auditCount, s.policies.length) };
  const digests = Object.fromEntries(PART_NAMES.map((p) => [p, partDigest(parts[p])])) as EvidenceManifest['parts'];
  const manifest: EvidenceManifest = {
    format: BUNDLE_FORMAT,
    bundleId: `evb_${digestJson({ digests, generatedAt: i.generatedAt, kid: signer.kid }).slice(0, 32)}`,
    tenant: i.tenant,
    scope: i.scope,
    taskIds: i.tasks.map((x) => x.taskId),
    generatedAt: i.generatedAt,
    signer: { kid: signer.kid, alg: 'EdDSA' },
    parts: digests,
    redactions: counts,
  };
  return { manifest, signature: await signManifest(manifest, signer), parts };
}

/** The bundle as the one JSON file it is exchanged as. */
export function evidenceBundleToJSON(bundle: EvidenceBundle): string {
  return fastCanonicalJson(bundle);
}
