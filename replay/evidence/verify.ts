/**
 * @module verifyEvidenceBundle: offline verification of an evidence bundle. Says exactly what failed:
 * the signature, the manifest, each part's digest, the audit hash chains (with the event index),
 * history event id continuity and the cross-references between parts.
 */
import type { JWK } from 'jose';
import { z } from 'zod';
import { canonicalJson } from '../../lib/canonical-json.js';
import { zodIssues } from '../../lib/validation.js';
import { partDigest } from './build.js';
import { PartSchemas, checkApprovals, checkAudit, checkControls, checkHistory, checkIdentities, checkPolicies, checkReplay } from './checks.js';
import { verifySignature } from './sign.js';
import { BUNDLE_FORMAT, PART_NAMES, type EvidenceManifest, type EvidenceParts, type PartName, type VerifyFailure, type VerifyResult } from './types.js';

const Digest = z.object({ sha256: z.string(), bytes: z.number() });
const ManifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  bundleId: z.string(),
  tenant: z.string(),
  scope: z.union([z.object({ kind: z.literal('task') }), z.object({ kind: z.literal('range'), from: z.string(), to: z.string() })]),
  taskIds: z.array(z.string()),
  generatedAt: z.string(),
  signer: z.object({ kid: z.string(), alg: z.literal('EdDSA') }),
  parts: z.object(Object.fromEntries(PART_NAMES.map((p) => [p, Digest])) as Record<PartName, typeof Digest>),
  redactions: z.record(z.string(), z.number()),
});
const BundleSchema = z.object({ manifest: z.unknown(), signature: z.string(), parts: z.record(z.string(), z.unknown()) });

function malformed(part: VerifyFailure['part'], error: z.ZodError, what: string): VerifyFailure {
  const i = zodIssues(error)[0];
  return { part, code: 'MALFORMED', message: `${what} is malformed: \`${i?.path ?? '(root)'}\`: ${i?.message ?? 'invalid'}` };
}

/** Parse each part; a part that is missing or malformed is reported and left out of the later checks. */
function readParts(raw: Record<string, unknown>, manifest: EvidenceManifest | undefined, failures: VerifyFailure[]): Partial<EvidenceParts> {
  const parts: Partial<EvidenceParts> = {};
  for (const name of PART_NAMES) {
    if (!(name in raw)) {
      failures.push({ part: name, code: 'PART_MISSING', message: `part \`${name}\` is missing` });
      continue;
    }
    if (manifest && partDigest(raw[name]).sha256 !== manifest.parts[name].sha256) {
      failures.push({ part: name, code: 'DIGEST_MISMATCH', message: `part \`${name}\` does not match its SHA-256 in the manifest` });
    }
    const r = PartSchemas[name].safeParse(raw[name]);
    if (r.success) (parts as Record<string, unknown>)[name] = r.data;
    else failures.push(malformed(name, r.error, `part \`${name}\``));
  }
  for (const extra of Object.keys(raw).filter((k) => !(PART_NAMES as readonly string[]).includes(k))) {
    failures.push({ part: 'bundle', code: 'MALFORMED', message: `part \`${extra}\` is not a part of this bundle format` });
  }
  return parts;
}

function crossChecks(p: Partial<EvidenceParts>, manifest: EvidenceManifest | undefined, notes: string[]): VerifyFailure[] {
  const out: VerifyFailure[] = [];
  if (p.audit) out.push(...checkAudit(p.audit, notes));
  if (p.history) out.push(...checkHistory(p.history));
  if (p.history && p.replay && p.approvals && manifest) out.push(...checkReplay({ history: p.history, replay: p.replay, approvals: p.approvals }, manifest.taskIds));
  const records = p.replay?.map((r) => r.record) ?? [];
  if (p.policies) out.push(...checkPolicies(p.policies, records));
  if (p.identities) out.push(...checkIdentities(p.identities, records));
  if (p.approvals && p.replay) out.push(...checkApprovals(p.approvals, p.replay));
  if (PART_NAMES.every((n) => p[n] !== undefined)) out.push(...checkControls(p as EvidenceParts));
  return out;
}

/**
 * Verify a bundle offline against the signer's public key (a JWK, or a JWKS selected by `kid`).
 * Never throws on a bad bundle: every problem is a failure with its part and a stable code.
 */
export async function verifyEvidenceBundle(json: string, keys: JWK | { keys: JWK[] }): Promise<VerifyResult> {
  const failures: VerifyFailure[] = [];
  const notes: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, failures: [{ part: 'bundle', code: 'MALFORMED', message: 'the bundle is not JSON' }], notes };
  }
  const b = BundleSchema.safeParse(raw);
  if (!b.success) return { ok: false, failures: [malformed('bundle', b.error, 'the bundle')], notes };
  const m = ManifestSchema.safeParse(b.data.manifest);
  const manifest = m.success ? (m.data as EvidenceManifest) : undefined;
  if (!m.success) failures.push(malformed('manifest', m.error, 'the manifest'));
  const sig = await verifySignature(b.data.signature, keys);
  if (!sig.ok) failures.push({ part: 'signature', code: sig.code, message: sig.message });
  else if (sig.payload !== canonicalJson(b.data.manifest)) failures.push({ part: 'manifest', code: 'MANIFEST_MISMATCH', message: 'the manifest differs from the signed manifest' });
  else if (manifest && manifest.signer.kid !== sig.kid) failures.push({ part: 'manifest', code: 'MANIFEST_MISMATCH', message: `the manifest names signer \`${manifest.signer.kid}\`, the signature \`${sig.kid}\`` });
  const parts = readParts(b.data.parts, manifest, failures);
  failures.push(...crossChecks(parts, manifest, notes));
  return { ok: failures.length === 0, failures, notes };
}
