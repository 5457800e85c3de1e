import { describe, expect, it, beforeAll } from 'vitest';
import type { JWK } from 'jose';
import { buildEvidenceBundle, evidenceBundleToJSON, evidenceSummaryHtml, evidenceSummaryMarkdown, verifyEvidenceBundle, type EvidenceBundle, type EvidenceInput, type EvidenceSigner } from '../../replay/evidence/index.js';
import { partDigest } from '../../replay/evidence/build.js';
import { signManifest } from '../../replay/evidence/sign.js';
import { SCENARIOS } from './scenarios.js';
import { agentKeys, keyPair, POLICIES, taskInput } from './evidence-fixtures.js';

let signer: EvidenceSigner;
let pub: JWK;
let other: { signer: EvidenceSigner; publicJwk: JWK };

beforeAll(async () => {
  ({ signer, publicJwk: pub } = await keyPair('evidence-1'));
  other = await keyPair('evidence-1');
});

const rangeInput = (): EvidenceInput => ({
  tenant: 'demo', scope: { kind: 'range', from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z' },
  tasks: [taskInput(SCENARIOS.approved!), taskInput(SCENARIOS.expired!), taskInput(SCENARIOS.deniedSkipped!)],
  policySets: POLICIES, agentKeys: agentKeys({ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }), generatedAt: '2026-11-21T08:00:00Z',
});

async function resign(b: EvidenceBundle): Promise<string> {
  const parts = Object.fromEntries(Object.entries(b.parts).map(([k, v]) => [k, partDigest(v)]));
  const manifest = { ...b.manifest, parts: parts as EvidenceBundle['manifest']['parts'] };
  return JSON.stringify({ ...b, manifest, signature: await signManifest(manifest, signer) });
}

describe('evidence bundles', () => {
  it('builds a signed task bundle that verifies offline', async () => {
    const b = await buildEvidenceBundle({ tenant: 'demo', tasks: [taskInput(SCENARIOS.approved!)], policySets: POLICIES, agentKeys: agentKeys(pub), generatedAt: '2026-11-21T08:00:00Z' }, signer);
    const r = await verifyEvidenceBundle(evidenceBundleToJSON(b), pub);
    expect(r).toEqual({ ok: true, failures: [], notes: [] });
    expect(b.manifest.scope).toEqual({ kind: 'task' });
    expect(b.parts.controls.mappings.map((m) => m.id)).toEqual(expect.arrayContaining(['Art. 12', 'Art. 14', 'CC7.2', 'CC8.1', 'LLM01', 'LLM02', 'LLM06', 'LLM10', 'T2', 'T3', 'T4', 'T8', 'T10']));
    expect(b.parts.controls.observations).toMatchObject({ tasks: 1, approvalsRequested: 1, approvalsDecidedByPeople: 1 });
    expect(await verifyEvidenceBundle(evidenceBundleToJSON(b), { keys: [{ ...other.publicJwk, kid: 'evidence-2' }, pub] })).toMatchObject({ ok: true });
  });

  it('builds a tenant + time-range bundle of many tasks', async () => {
    const b = await buildEvidenceBundle(rangeInput(), signer);
    expect(b.manifest.taskIds).toEqual(['task-approved', 'task-expired', 'task-denied']);
    expect((await verifyEvidenceBundle(evidenceBundleToJSON(b), pub)).ok).toBe(true);
    const md = evidenceSummaryMarkdown(b);
    expect(md).toContain('| task-expired |');
    expect(md).toContain('EXPIRED');
    expect(evidenceSummaryHtml(b)).toContain('<td>task-denied</td>');
  });

  it('keeps planted secrets out of every part of the bundle', async () => {
    const secrets = ['sk-live0123456789abcdefghijKLMN', 'ghp_0123456789abcdefghijklmnopqrstuvwxyz', 'AKIAIOSFODNN7EXAMPLE', 'hunter2-super-secret-password', 'Bearer abcdef0123456789abcdef'];
    const spec = { taskId: 'task-secret', goal: `use ${secrets[0]}`, steps: [{ stepId: 'call', tool: 'http_get', args: { url: 'https://api.test/x', headers: { Authorization: secrets[4] }, token: secrets[1], password: secrets[3], note: `key ${secrets[2]}` }, verdict: 'ALLOW' as const }] };
    const t = taskInput(spec, { auditData: { apiKey: secrets[0], text: `aws ${secrets[2]}` } });
    t.metadata = { submittedBy: `bob with ${secrets[1]}` };
    const b = await buildEvidenceBundle({ tenant: 'demo', tasks: [t], policySets: [{ version: 'pv-1', text: `// token ${secrets[1]}\npermit (principal, action, resource);` }], agentKeys: agentKeys(pub), generatedAt: '2026-11-21T08:00:00Z' }, signer);
    const json = evidenceBundleToJSON(b);
    // payloads are base64 inside the history: decode every base64-looking string too
    const decoded = [...json.matchAll(/"([A-Za-z0-9+/]{16,}={0,2})"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8')).join('\n');
    for (const s of secrets) {
      expect(json).not.toContain(s);
      expect(decoded).not.toContain(s);
    }
    expect(json).toContain('[REDACTED:');
    expect(b.manifest.redactions.history).toBeGreaterThan(0);
    const r = await verifyEvidenceBundle(json, pub);
    expect(r.ok).toBe(true);
    expect(r.notes.join(' ')).toMatch(/redacted after chaining/);
  });

  it('refuses input that would not verify, naming the gap', async () => {
    await expect(buildEvidenceBundle({ ...rangeInput(), policySets: [] }, signer)).rejects.toThrow(/policy set version `pv-1`/);
    await expect(buildEvidenceBundle({ ...rangeInput(), agentKeys: [] }, signer)).rejects.toThrow(/agent key `kid-1`/);
    const noApprovals = rangeInput();
    noApprovals.tasks[0]!.approvals = [];
    await expect(buildEvidenceBundle(noApprovals, signer)).rejects.toThrow(/approval `apr_mail`/);
    await expect(buildEvidenceBundle({ ...rangeInput(), scope: { kind: 'task' } }, signer)).rejects.toThrow(/`tasks`/);
    await expect(buildEvidenceBundle({ ...rangeInput(), agentKeys: [{ kid: 'kid-1', publicJwk: { kty: 'OKP', d: 'x' }, credentialIds: [] }] }, signer)).rejects.toThrow(/private key material/);
  });

  it('rejects a bundle signed by another key, or with a forged signature', async () => {
    const b = await buildEvidenceBundle(rangeInput(), signer);
    const r = await verifyEvidenceBundle(evidenceBundleToJSON(b), other.publicJwk);
    expect(r.failures).toEqual([expect.objectContaining({ part: 'signature', code: 'SIGNATURE_INVALID' })]);
    expect((await verifyEvidenceBundle(evidenceBundleToJSON(b), { keys: [{ ...pub, kid: 'someone-else' }] })).failures[0]).toMatchObject({ code: 'KEY_UNKNOWN' });
    expect((await verifyEvidenceBundle('{"manifest":', pub)).failures[0]).toMatchObject({ code: 'MALFORMED', part: 'bundle' });
  });

  it('names the audit event index when a re-signed bundle carries a broken chain', async () => {
    const b = await buildEvidenceBundle(rangeInput(), signer);
    (b.parts.audit[1]!.events[1]!.event.data as Record<string, unknown>).decision = 'DENY';
    const r = await verifyEvidenceBundle(await resign(b), pub);
    expect(r.failures).toEqual([expect.objectContaining({ part: 'audit', code: 'AUDIT_CHAIN_BROKEN', index: 1 })]);
    expect(r.failures[0]!.message).toContain('task-expired');
  });

  it.each([
    ['history gap', (b: EvidenceBundle) => b.parts.history[0]!.events.splice(3, 1), 'HISTORY_EVENT_GAP'],
    ['replay record edited', (b: EvidenceBundle) => { b.parts.replay[0]!.record.summary.outcome = 'COMPLETED_OK'; }, 'REPLAY_INCONSISTENT'],
    ['policy text edited', (b: EvidenceBundle) => { b.parts.policies[0]!.text += ' '; }, 'POLICY_HASH_MISMATCH'],
    ['approval status edited', (b: EvidenceBundle) => { b.parts.approvals[0]!.approvals[0]!.status = 'DENIED'; }, 'APPROVAL_MISMATCH'],
    ['controls count edited', (b: EvidenceBundle) => { b.parts.controls.mappings[0]!.count += 1; }, 'CONTROLS_INCONSISTENT'],
    ['task order differs', (b: EvidenceBundle) => b.parts.replay.reverse(), 'TASK_MISMATCH'],
  ] as const)('detects %s even when re-signed with the real key', async (_name, mutate, code) => {
    const b = await buildEvidenceBundle(rangeInput(), signer);
    mutate(b);
    const r = await verifyEvidenceBundle(await resign(b), pub);
    expect(r.ok).toBe(false);
    expect(r.failures.map((f) => f.code)).toContain(code);
  });
});

describe('evidence over a history recorded from the running product', () => {
  it('builds and verifies a bundle of the approved task', async () => {
    const { readFileSync } = await import('node:fs');
    const { reconstruct } = await import('../../replay/reconstruct/index.js');
    const history = JSON.parse(readFileSync(new URL('../fixtures/histories/real-approval-approved.json', import.meta.url), 'utf8')) as { events: unknown[] };
    const r = reconstruct(history);
    const versions = [...new Set(r.steps.map((s) => s.assessment!.policySetVersion))];
    const b = await buildEvidenceBundle({
      tenant: 'demo', generatedAt: '2026-11-25T23:00:00Z',
      tasks: [{ taskId: r.summary.taskId!, history, approvals: r.summary.approvals.map((a) => ({ approvalId: a.approvalId, status: a.status, decidedBy: a.decidedBy })) }],
      policySets: versions.map((version) => ({ version, text: POLICIES[0]!.text })),
      agentKeys: [{ kid: r.summary.identity!.keyId, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }, credentialIds: [r.summary.identity!.credentialId] }],
    }, signer);
    const v = await verifyEvidenceBundle(evidenceBundleToJSON(b), pub);
    expect(v.failures).toEqual([]);
    // PII is masked by default, in the record rebuilt from the redacted history too
    expect(b.parts.replay[0]!.record.summary.approvals[0]).toMatchObject({ status: 'APPROVED', decidedBy: 'b***@demo.test' });
    expect(evidenceBundleToJSON(b)).not.toContain('bob@demo.test');
  });
});
