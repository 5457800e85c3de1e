/** @module Evidence bundle: its input (validated at the edge), its parts and its manifest. */
import { z } from 'zod';
import { PII_KINDS } from '../../governance/audit/index.js';
import type { ReplayRecord } from '../reconstruct/types.js';
import type { ControlMapping, Observations } from './controls.js';

export const BUNDLE_FORMAT = 'interceptor-evidence/1' as const;
export const PART_NAMES = ['history', 'audit', 'policies', 'identities', 'approvals', 'replay', 'controls'] as const;
export type PartName = (typeof PART_NAMES)[number];

const Iso = z.iso.datetime({ offset: true });

export const StoredAuditEventInputSchema = z.looseObject({
  chainId: z.string().min(1).optional(),
  /** Position in its chain (the store's `chainSeq`); `seq` is used when it is absent. */
  chainSeq: z.number().int().positive().optional(),
  seq: z.number().int().positive(),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  event: z.record(z.string(), z.unknown()),
});

export const TaskEvidenceInputSchema = z.object({
  taskId: z.string().min(1).max(256),
  metadata: z.record(z.string(), z.unknown()).default({}),
  /** The task's history: `historyToJSON` output parsed, or the proto object from `fetchHistory()`. */
  history: z.looseObject({ events: z.array(z.unknown()).min(1) }),
  auditEvents: z.array(StoredAuditEventInputSchema).default([]),
  approvals: z.array(z.record(z.string(), z.unknown())).default([]),
  /** A record the caller already reconstructed: checked against the history, then rebuilt from the redacted history. */
  replayRecord: z.looseObject({ historyDigest: z.string() }).optional(),
});

export const EvidenceInputSchema = z.object({
  tenant: z.string().min(1).max(128),
  /** One task, or the tasks of a tenant in a time range. */
  scope: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('task') }),
    z.object({ kind: z.literal('range'), from: Iso, to: Iso }),
  ]).default({ kind: 'task' }),
  tasks: z.array(TaskEvidenceInputSchema).min(1).max(10_000),
  /** Audit events outside any task (the tenant's own chain), for range bundles. */
  tenantAuditEvents: z.array(StoredAuditEventInputSchema).default([]),
  /** Policy set versions the tasks were decided under; `hash` (SHA-256 of `text`) is computed when absent. */
  policySets: z.array(z.object({ version: z.string().min(1), hash: z.string().regex(/^[0-9a-f]{64}$/).optional(), text: z.string() })).default([]),
  agentKeys: z.array(z.object({ kid: z.string().min(1), agentId: z.string().optional(), publicJwk: z.record(z.string(), z.unknown()), credentialIds: z.array(z.string()).default([]) })).default([]),
  generatedAt: Iso,
  /** PII handling (secrets are always redacted): default masks email, phone and card; `{ pii: [] }` keeps PII. */
  redaction: z.object({
    pii: z.array(z.enum(PII_KINDS)).optional(),
    piiMode: z.enum(['mask', 'hash']).optional(),
    hashKey: z.string().min(1).optional(),
  }).strict().default({}),
}).superRefine((v, ctx) => {
  if (v.scope.kind === 'task' && v.tasks.length !== 1) ctx.addIssue({ code: 'custom', path: ['tasks'], message: 'a task bundle holds exactly one task' });
});
export type EvidenceInput = z.input<typeof EvidenceInputSchema>;

export interface ChainedAuditEvent {
  seq: number;
  prevHash: string;
  hash: string;
  event: Record<string, unknown>;
  /** True when bundle redaction changed the stored body: its hash can no longer be recomputed, only its links. */
  redactedAfterChain?: true;
}

export interface EvidenceParts {
  history: Array<{ taskId: string; events: unknown[] }>;
  audit: Array<{ chainId: string; events: ChainedAuditEvent[] }>;
  policies: Array<{ version: string; hash: string; text: string; redactedAfterHash?: true }>;
  identities: Array<{ kid: string; agentId?: string; publicJwk: Record<string, unknown>; credentialIds: string[] }>;
  approvals: Array<{ taskId: string; approvals: Array<Record<string, unknown>> }>;
  replay: Array<{ taskId: string; metadata: Record<string, unknown>; record: ReplayRecord }>;
  controls: { observations: Observations; mappings: Array<ControlMapping & { count: number }> };
}

export interface EvidenceManifest {
  format: typeof BUNDLE_FORMAT;
  bundleId: string;
  tenant: string;
  scope: { kind: 'task' } | { kind: 'range'; from: string; to: string };
  taskIds: string[];
  generatedAt: string;
  signer: { kid: string; alg: 'EdDSA' };
  /** SHA-256 over the RFC 8785 canonical JSON of each part. */
  parts: Record<PartName, { sha256: string; bytes: number }>;
  /** How many values redaction replaced, per part. */
  redactions: Record<PartName, number>;
}

export interface EvidenceBundle {
  manifest: EvidenceManifest;
  /** Compact JWS (EdDSA) whose payload is the canonical JSON of the manifest. */
  signature: string;
  parts: EvidenceParts;
}

export interface EvidenceSigner {
  kid: string;
  /** Ed25519 private key as a JWK (`kty: OKP`, `crv: Ed25519`, with `d`). */
  privateJwk: Record<string, unknown>;
}

export type VerifyFailureCode =
  | 'MALFORMED' | 'SIGNATURE_INVALID' | 'KEY_UNKNOWN' | 'MANIFEST_MISMATCH' | 'PART_MISSING' | 'DIGEST_MISMATCH'
  | 'AUDIT_CHAIN_BROKEN' | 'HISTORY_EVENT_GAP' | 'REPLAY_INCONSISTENT' | 'TASK_MISMATCH' | 'POLICY_HASH_MISMATCH'
  | 'POLICY_MISSING' | 'IDENTITY_KEY_MISSING' | 'PRIVATE_KEY_MATERIAL' | 'APPROVAL_MISMATCH' | 'CONTROLS_INCONSISTENT';

export interface VerifyFailure {
  part: PartName | 'manifest' | 'signature' | 'bundle';
  code: VerifyFailureCode;
  message: string;
  index?: number;
}

export interface VerifyResult {
  ok: boolean;
  failures: VerifyFailure[];
  /** Facts worth knowing that are not failures (events redacted after chaining, ...). */
  notes: string[];
}
