/** @module The semantic checks of an evidence bundle, one function per part: each returns its failures. */
import { z } from 'zod';
import { chainHash, GENESIS_HASH, verifyChain } from '../../governance/audit/index.js';
import { sha256Hex } from '../../lib/canonical-json.js';
import { fastCanonicalJson as canonicalJson, sameCanonicalJson } from './canonical.js';
import { eventIdOf } from '../history/events.js';
import { reconstruct } from '../reconstruct/index.js';
import type { ReplayRecord } from '../reconstruct/types.js';
import { controlsPart } from './controls.js';
import type { ChainedAuditEvent, EvidenceParts, VerifyFailure } from './types.js';

export const PartSchemas = {
  history: z.array(z.object({ taskId: z.string(), events: z.array(z.unknown()) })),
  audit: z.array(z.object({ chainId: z.string(), events: z.array(z.object({ seq: z.number(), prevHash: z.string(), hash: z.string(), event: z.record(z.string(), z.unknown()), redactedAfterChain: z.literal(true).optional() })) })),
  policies: z.array(z.object({ version: z.string(), hash: z.string(), text: z.string(), redactedAfterHash: z.literal(true).optional() })),
  identities: z.array(z.object({ kid: z.string(), agentId: z.string().optional(), publicJwk: z.record(z.string(), z.unknown()), credentialIds: z.array(z.string()) })),
  approvals: z.array(z.object({ taskId: z.string(), approvals: z.array(z.record(z.string(), z.unknown())) })),
  replay: z.array(z.object({ taskId: z.string(), metadata: z.record(z.string(), z.unknown()), record: z.looseObject({ historyDigest: z.string(), summary: z.looseObject({}), steps: z.array(z.unknown()) }) })),
  controls: z.looseObject({ observations: z.record(z.string(), z.number()), mappings: z.array(z.unknown()) }),
} as const;

/** Links (seq, prevHash) of every event; hashes of every event not redacted after chaining. */
function chainBreak(events: readonly ChainedAuditEvent[]): { index: number; code: string } | null {
  if (!events.some((e) => e.redactedAfterChain)) {
    const b = verifyChain(events);
    return b ? { index: b.index, code: b.code } : null;
  }
  let prev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.seq !== i + 1) return { index: i, code: 'SEQ_GAP' };
    if (e.prevHash !== prev) return { index: i, code: 'PREV_HASH_MISMATCH' };
    if (!e.redactedAfterChain && chainHash(e.prevHash, e.seq, e.event) !== e.hash) return { index: i, code: 'HASH_MISMATCH' };
    prev = e.hash;
  }
  return null;
}

export function checkAudit(audit: EvidenceParts['audit'], notes: string[]): VerifyFailure[] {
  const out: VerifyFailure[] = [];
  for (const c of audit) {
    const b = chainBreak(c.events);
    if (b) out.push({ part: 'audit', code: 'AUDIT_CHAIN_BROKEN', index: b.index, message: `audit chain \`${c.chainId}\` breaks at event index ${b.index} (${b.code.toLowerCase()})` });
    const redacted = c.events.filter((e) => e.redactedAfterChain).length;
    if (redacted > 0) notes.push(`audit chain \`${c.chainId}\`: ${redacted} event(s) redacted after chaining; their links were checked, not their hashes`);
  }
  return out;
}

export function checkHistory(history: EvidenceParts['history']): VerifyFailure[] {
  const out: VerifyFailure[] = [];
  for (const h of history) {
    // why only the ids: they are all this check reads, read as readHistory reads them (0 when missing).
    const ids = h.events.map(eventIdOf);
    const bad = ids.findIndex((id, i) => id !== i + 1);
    if (bad >= 0) out.push({ part: 'history', code: 'HISTORY_EVENT_GAP', index: bad, message: `history of task \`${h.taskId}\`: event at index ${bad} has id ${ids[bad]!}, expected ${bad + 1}` });
  }
  return out;
}

/** Each record must be exactly what reconstruct() gives for the history in the bundle. */
export function checkReplay(parts: Pick<EvidenceParts, 'history' | 'replay' | 'approvals'>, taskIds: readonly string[]): VerifyFailure[] {
  const out: VerifyFailure[] = [];
  const same = (xs: { taskId: string }[]) => canonicalJson(xs.map((x) => x.taskId)) === canonicalJson(taskIds);
  if (!same(parts.history) || !same(parts.replay) || !same(parts.approvals)) {
    out.push({ part: 'manifest', code: 'TASK_MISMATCH', message: 'the manifest, history, replay and approvals parts do not name the same tasks in the same order' });
  }
  const histories = new Map(parts.history.map((h) => [h.taskId, h]));
  parts.replay.forEach((r, index) => {
    const h = histories.get(r.taskId);
    if (!h) return;
    const rebuilt = reconstruct({ events: h.events });
    if (rebuilt.historyDigest !== r.record.historyDigest) out.push({ part: 'replay', code: 'REPLAY_INCONSISTENT', index, message: `the replay record of task \`${r.taskId}\` names history digest \`${r.record.historyDigest.slice(0, 12)}\`, the history in the bundle has \`${rebuilt.historyDigest.slice(0, 12)}\`` });
    else if (!sameCanonicalJson(rebuilt, r.record)) out.push({ part: 'replay', code: 'REPLAY_INCONSISTENT', index, message: `the replay record of task \`${r.taskId}\` differs from the record its history gives` });
  });
  return out;
}

export function checkPolicies(policies: EvidenceParts['policies'], records: readonly ReplayRecord[]): VerifyFailure[] {
  const out: VerifyFailure[] = [];
  policies.forEach((p, index) => {
    if (!p.redactedAfterHash && sha256Hex(p.text) !== p.hash) out.push({ part: 'policies', code: 'POLICY_HASH_MISMATCH', index, message: `policy set \`${p.version}\`: its text does not hash to \`${p.hash.slice(0, 12)}\`` });
  });
  const have = new Set(policies.map((p) => p.version));
  for (const v of referencedPolicyVersions(records)) {
    if (!have.has(v)) out.push({ part: 'policies', code: 'POLICY_MISSING', message: `policy set version \`${v}\` decided a step but is not in the bundle` });
  }
  return out;
}

export function referencedPolicyVersions(records: readonly ReplayRecord[]): string[] {
  return [...new Set(records.flatMap((r) => r.steps.map((s) => s.assessment?.policySetVersion).filter((v): v is string => v !== undefined)))].sort();
}

export function referencedKeyIds(records: readonly ReplayRecord[]): string[] {
  return [...new Set(records.map((r) => r.summary.identity?.keyId).filter((k): k is string => k !== undefined))].sort();
}

export function checkIdentities(identities: EvidenceParts['identities'], records: readonly ReplayRecord[]): VerifyFailure[] {
  const out: VerifyFailure[] = [];
  identities.forEach((k, index) => {
    if (['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((f) => f in k.publicJwk)) out.push({ part: 'identities', code: 'PRIVATE_KEY_MATERIAL', index, message: `key \`${k.kid}\` holds private key material` });
  });
  const kids = new Set(identities.map((k) => k.kid));
  for (const kid of referencedKeyIds(records)) {
    if (!kids.has(kid)) out.push({ part: 'identities', code: 'IDENTITY_KEY_MISSING', message: `agent key \`${kid}\` verified a task but is not in the bundle` });
  }
  return out;
}

export function checkApprovals(approvals: EvidenceParts['approvals'], replay: EvidenceParts['replay']): VerifyFailure[] {
  const out: VerifyFailure[] = [];
  const byTask = new Map(approvals.map((a) => [a.taskId, new Map(a.approvals.map((x) => [String(x.approvalId), x]))]));
  for (const r of replay) {
    const stored = byTask.get(r.taskId);
    for (const a of r.record.summary.approvals) {
      const s = stored?.get(a.approvalId);
      if (!s) out.push({ part: 'approvals', code: 'APPROVAL_MISMATCH', message: `approval \`${a.approvalId}\` of task \`${r.taskId}\` is in the history but not in the approvals part` });
      else if (a.status !== 'PENDING' && s.status !== a.status) out.push({ part: 'approvals', code: 'APPROVAL_MISMATCH', message: `approval \`${a.approvalId}\` is ${a.status} in the history and \`${String(s.status)}\` in the approvals part` });
    }
  }
  return out;
}

export function checkControls(parts: EvidenceParts): VerifyFailure[] {
  const auditCount = parts.audit.reduce((n, c) => n + c.events.length, 0);
  const expected = controlsPart(parts.replay.map((r) => r.record), auditCount, parts.policies.length);
  return sameCanonicalJson(expected, parts.controls) ? [] : [{ part: 'controls', code: 'CONTROLS_INCONSISTENT', message: 'the controls part does not match the mappings and counts the bundle\'s records give' }];
}
