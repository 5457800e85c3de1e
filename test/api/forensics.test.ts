/**
 * The forensics API on the real path, over real HTTP: embedded Temporal service, the governed-task
 * worker with the real activities, the real database, and the API listening on a port. Tasks are run
 * through Temporal, then compared, re-decided, checked for determinism and exported as evidence.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../api/auth.js';
import { runEvidenceCli } from '../../app/evidence-cli.js';
import { verifyEvidenceBundle } from '../../replay/index.js';
import { startRealApi, type Json, type RealApi } from '../support/real-api.js';

const QUEUE = 'api-forensics-test';
const ADMIN = 'forensics-admin-token-0123456789abcdef';
// A GitHub token planted in the task's goal and arguments: it must never appear in an export.
const SECRET = 'ghp_' + 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa';
const PERMIT_ALL = '@id("all")\npermit (principal, action, resource);';
const FORBID_SQL = '\n@id("forbid-sql")\n@reason("sql is frozen")\nforbid (principal, action == Action::"call_tool", resource) when { resource.name == "run_sql" };\n';

describe('forensics over GraphQL', () => {
  let stack: RealApi;
  let http: { url: string };
  let demo: RealApi['demo'];
  let dataDir: string;
  let investigator: string;
  let outsider: string;
  let packText: string;
  let packVersion: string;
  let taskA: string;
  let taskB: string;

  const gql = (token: string | null, query: string, variables?: Json): Promise<Json> => stack.gql(token, query, variables);
  const ok = (token: string, query: string, variables?: Json): Promise<Json> => stack.ok(token, query, variables);

  async function apiKey(tenant: string, subject: string): Promise<string> {
    const d = await ok(ADMIN, 'mutation($i: IssueApiKeyInput!) { issueApiKey(input: $i) { key } }', { i: { subject, roles: ['INVESTIGATOR'], tenant } });
    return d.issueApiKey.key as string;
  }

  /** Submit a plan and drive it to its end, approving whatever it holds for approval. */
  async function runTask(goal: string, plan: Json): Promise<string> {
    const submitted = await ok(demo.agentToken, 'mutation($i: SubmitTaskInput!) { submitTask(input: $i) { id } }', { i: { goal, plan } });
    const id = submitted.submitTask.id as string;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const t = (await ok(investigator, 'query($id: ID!) { task(id: $id) { status steps { approval { id status } } } }', { id })).task;
      if (['COMPLETED', 'PARTIALLY_BLOCKED', 'BLOCKED', 'FAILED', 'CANCELLED'].includes(t.status)) return id;
      for (const s of t.steps as Json[]) {
        if (s.approval?.status === 'PENDING') {
          await ok(demo.approverKey, 'mutation($id: ID!) { decideApproval(input: { approvalId: $id, decision: APPROVE, reason: "fine" }) { status } }', { id: s.approval.id });
        }
      }
      if (Date.now() > deadline) throw new Error(`task ${id} did not finish: ${JSON.stringify(t)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    stack = await startRealApi({ taskQueue: QUEUE, adminToken: ADMIN, submitWaitMs: 0 });
    ({ demo, dataDir } = stack);
    http = { url: stack.url };
    investigator = await apiKey('demo', 'investigator@demo');
    outsider = await apiKey('elsewhere', 'investigator@elsewhere');
    const active = (await ok(investigator, '{ activePolicySet { version cedar } }')).activePolicySet;
    [packText, packVersion] = [active.cedar, active.version];
    taskA = await runTask(`tiers for the team, use ${SECRET}`, {
      steps: [
        { stepId: 'customers', tool: 'run_sql', args: { query: 'SELECT name, tier FROM customers ORDER BY id' } },
        { stepId: 'notify', tool: 'send_email', args: { to: 'team@example.com', subject: 'tiers', body: `The list is ready. Access token: ${SECRET}` } },
      ],
    });
    taskB = await runTask('tiers only', { steps: [{ stepId: 'customers', tool: 'run_sql', args: { query: 'SELECT name FROM customers ORDER BY id' } }] });
  }, 240_000);

  afterAll(async () => stack?.close());

  it('compares two real tasks step by step', async () => {
    const d = (await ok(investigator, 'query($l: ID!, $r: ID!) { replayDiff(left: $l, right: $r) { left right summary diff markdown } }', { l: taskA, r: taskB })).replayDiff;
    expect([d.left, d.right]).toEqual([taskA, taskB]);
    expect(d.summary.removed).toBe(1);
    expect(d.diff.removed.map((s: Json) => s.stepId)).toEqual(['notify']);
    expect(d.summary.argumentChanges).toBeGreaterThan(0);
    expect(d.markdown).toContain('notify');
    const same = (await ok(investigator, 'query($l: ID!) { replayDiff(left: $l, right: $l) { summary } }', { l: taskA })).replayDiff;
    expect(same.summary).toMatchObject({ added: 0, removed: 0, changed: 0, outcomeChanged: false });
  });

  it('re-decides a task under a draft that would deny, and under the recorded policy without change', async () => {
    const q = 'query($t: ID!, $c: String, $p: ID) { whatIf(taskId: $t, cedar: $c, policySetId: $p) { taskId policy changed diff markdown steps summary } }';
    const w = (await ok(investigator, q, { t: taskA, c: packText + FORBID_SQL })).whatIf;
    expect(w.taskId).toBe(taskA);
    expect(w.policy).toMatchObject({ source: 'draft' });
    expect(w.changed).toBe(1);
    const step = (w.steps as Json[]).find((s) => s.stepId === 'customers')!;
    expect(step.old.decision).toBe('ALLOW');
    expect(step.new).toMatchObject({ decision: 'DENY', determiningPolicies: ['forbid-sql'] });
    expect(w.diff).toEqual([expect.objectContaining({ stepId: 'customers', recorded: expect.objectContaining({ decision: 'ALLOW' }), proposed: expect.objectContaining({ decision: 'DENY' }) })]);
    expect(w.markdown).toMatch(/\| customers \| run\\_sql \| ALLOW .*\| DENY \(forbid-sql\) \| \*\*changed\*\*/);
    const same = (await ok(investigator, q, { t: taskA, p: packVersion })).whatIf;
    expect(same.policy).toMatchObject({ source: 'policySet', policySetId: packVersion });
    expect(same.changed).toBe(0);
    expect(same.summary.reevaluated).toBe(2);
  });

  it('reports drift over the tenant\'s recent tasks, grouped by policy', async () => {
    const q = 'query($i: PolicyDriftInput!) { policyDriftReport(input: $i) { tasksEvaluated tasksSkipped decisionsEvaluated changed groups report policy } }';
    const r = (await ok(investigator, q, { i: { cedar: packText + FORBID_SQL, lastN: 10 } })).policyDriftReport;
    expect(r).toMatchObject({ tasksEvaluated: 2, tasksSkipped: 0, decisionsEvaluated: 3, changed: 2 });
    expect(r.groups).toEqual([expect.objectContaining({ policyId: 'forbid-sql', count: 2, transitions: { 'ALLOW->DENY': 2 } })]);
    const one = (await ok(investigator, q, { i: { policySetId: packVersion, lastN: 1 } })).policyDriftReport;
    expect(one).toMatchObject({ tasksEvaluated: 1, changed: 0 });
    const none = (await ok(investigator, q, { i: { cedar: packText + FORBID_SQL, since: '2000-01-01T00:00:00Z', until: '2000-01-02T00:00:00Z' } })).policyDriftReport;
    expect(none).toMatchObject({ tasksEvaluated: 0, changed: 0 });
  });

  it('finds a real task deterministic against the running workflow code', async () => {
    const d = (await ok(investigator, 'query($t: ID!) { determinismCheck(taskId: $t) { taskId deterministic drift } }', { t: taskA })).determinismCheck;
    expect(d).toEqual({ taskId: taskA, deterministic: true, drift: null });
  }, 120_000);

  it('exports the tenant\'s tasks of a time range as one signed, redacted bundle that verifies', async () => {
    const since = new Date(Date.now() - 3600_000).toISOString();
    const until = new Date(Date.now() + 60_000).toISOString();
    const RANGE = 'mutation($s: DateTime!, $u: DateTime!) { exportTenantEvidence(since: $s, until: $u) { tenant tasks bundle digest keyId } }';
    const e = (await ok(investigator, RANGE, { s: since, u: until })).exportTenantEvidence;
    expect(e.tenant).toBe('demo');
    expect(e.tasks).toBeGreaterThanOrEqual(2);
    expect(e.bundle).toContain(taskA);
    expect(e.bundle).toContain(taskB);
    expect(e.bundle).not.toContain(SECRET);
    expect(e.digest).toBe(sha256Hex(e.bundle));
    const verified = (await ok(investigator, 'mutation($b: String!) { verifyEvidence(bundle: $b) { valid failures { code } } }', { b: e.bundle })).verifyEvidence;
    expect(verified).toEqual({ valid: true, failures: [] });
    // another tenant's investigator sees none of it; bad ranges name the field
    expect((await gql(outsider, RANGE, { s: since, u: until })).errors[0].extensions.code).toBe('NOT_FOUND');
    const backwards = await gql(investigator, RANGE, { s: until, u: since });
    expect(backwards.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'until', message: 'must be after `since`' }] });
  });

  it('exports a redacted, signed bundle that verifies, audits the export, and names the part a tamper breaks', async () => {
    const e = (await ok(investigator, 'mutation($t: ID!) { exportEvidence(taskId: $t) { taskId bundle digest signature keyId bundleId summaryMarkdown summaryHtml } }', { t: taskA })).exportEvidence;
    expect(e.taskId).toBe(taskA);
    expect(e.digest).toBe(sha256Hex(e.bundle));
    expect(e.keyId).toMatch(/^evidence-/);
    expect(e.bundle).not.toContain(SECRET);
    expect(e.summaryMarkdown).not.toContain(SECRET);
    expect(e.summaryHtml).not.toContain(SECRET);
    const bundle = JSON.parse(e.bundle) as Json;
    expect(bundle.signature).toBe(e.signature);
    expect(bundle.manifest.redactions.history).toBeGreaterThan(0);
    expect(JSON.stringify(bundle.parts.identities)).not.toMatch(/"d"/);

    const V = 'mutation($b: String!) { verifyEvidence(bundle: $b) { valid keyId failures { code part eventIndex message } notes } }';
    const good = (await ok(investigator, V, { b: e.bundle })).verifyEvidence;
    expect(good).toMatchObject({ valid: true, keyId: e.keyId, failures: [] });

    const audit = (await ok(investigator, 'query($t: ID!) { auditEvents(taskId: $t, first: 500) { edges { node { type actor { kind id } data } } } }', { t: taskA })).auditEvents;
    const exported = (audit.edges as Json[]).map((x) => x.node).filter((n) => n.type === 'evidence.exported');
    expect(exported).toEqual([expect.objectContaining({ actor: { kind: 'user', id: 'investigator@demo' }, data: expect.objectContaining({ digest: e.digest, keyId: e.keyId, bundleId: e.bundleId }) })]);

    const chain = structuredClone(bundle);
    const events = chain.parts.audit[0].events as Json[];
    events[2]!.hash = 'f'.repeat(64);
    const broken = (await ok(investigator, V, { b: JSON.stringify(chain) })).verifyEvidence;
    expect(broken.valid).toBe(false);
    expect(broken.failures).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: 'DIGEST_MISMATCH', part: 'audit' }),
      expect.objectContaining({ code: 'AUDIT_CHAIN_BROKEN', part: 'audit', eventIndex: expect.any(Number) }),
    ]));
    const direct = await verifyEvidenceBundle(JSON.stringify(chain), await (await fetch(new URL('/.well-known/jwks.json', http.url))).json() as never);
    expect(broken.failures).toEqual(direct.failures.map((f) => ({ code: f.code, part: f.part, eventIndex: f.index ?? null, message: f.message })));

    const history = structuredClone(bundle);
    history.parts.history[0].events[0].eventTime = '2001-01-01T00:00:00Z';
    const h = (await ok(investigator, V, { b: JSON.stringify(history) })).verifyEvidence;
    expect(h.failures).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'DIGEST_MISMATCH', part: 'history' })]));

    const manifest = structuredClone(bundle);
    manifest.manifest.taskIds = ['task_forged'];
    const m = (await ok(investigator, V, { b: JSON.stringify(manifest) })).verifyEvidence;
    expect(m.failures).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'MANIFEST_MISMATCH', part: 'manifest' })]));
  }, 60_000);

  it('serves the JWKS without authentication, and its evidence key verifies an export offline and with the CLI', async () => {
    const e = (await ok(investigator, 'mutation($t: ID!) { exportEvidence(taskId: $t) { bundle signature keyId } }', { t: taskB })).exportEvidence;
    const res = await fetch(new URL('/.well-known/jwks.json', http.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const jwks = (await res.json()) as { keys: Json[] };
    expect(jwks.keys.some((k) => 'd' in k)).toBe(false);
    const agentKeys = jwks.keys.filter((k) => k.use === 'sig');
    const evidenceKeys = jwks.keys.filter((k) => k.use === 'evidence');
    expect(agentKeys.length).toBeGreaterThan(0);
    expect(evidenceKeys.map((k) => k.kid)).toEqual([e.keyId]);
    expect(new Set(jwks.keys.map((k) => k.kid)).size).toBe(jwks.keys.length);

    const jwk = evidenceKeys[0]!;
    const { payload, protectedHeader } = await compactVerify(e.signature, await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, 'EdDSA'));
    expect(protectedHeader.kid).toBe(e.keyId);
    expect(JSON.parse(new TextDecoder().decode(payload)).taskIds).toEqual([taskB]);
    expect((await verifyEvidenceBundle(e.bundle, jwks as never)).ok).toBe(true);

    const bundleFile = join(dataDir, 'bundle.json');
    const keyFile = join(dataDir, 'jwks.json');
    await writeFile(bundleFile, e.bundle);
    await writeFile(keyFile, JSON.stringify(jwks));
    const out: string[] = [];
    const sink = { write: (s: string) => out.push(s) } as never;
    expect(await runEvidenceCli(['verify', bundleFile, '--key', keyFile], sink, sink)).toBe(0);
    expect(out.join('')).toMatch(/^ok: /m);

    const gql = (await ok(investigator, '{ evidencePublicKeys }')).evidencePublicKeys;
    expect(gql.keys.map((k: Json) => k.kid)).toEqual([e.keyId]);
    expect((await fetch(new URL('/.well-known/jwks.json', http.url), { method: 'POST' })).status).toBe(405);
  }, 60_000);

  it('refuses other tenants\' tasks as not found and other roles as forbidden', async () => {
    const asks: [string, Json][] = [
      ['query($t: ID!) { replayDiff(left: $t, right: $t) { left } }', { t: taskA }],
      ['query($t: ID!, $c: String) { whatIf(taskId: $t, cedar: $c) { changed } }', { t: taskA, c: PERMIT_ALL }],
      ['query($t: ID!) { determinismCheck(taskId: $t) { deterministic } }', { t: taskA }],
      ['mutation($t: ID!) { exportEvidence(taskId: $t) { digest } }', { t: taskA }],
    ];
    for (const [query, variables] of asks) {
      const other = await gql(outsider, query, variables);
      expect(other.errors?.[0]?.extensions?.code, query).toBe('NOT_FOUND');
      expect(JSON.stringify(other)).not.toContain('tiers');
      const agent = await gql(demo.agentToken, query, variables);
      expect(agent.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
    }
    const mixed = await gql(outsider, 'query($l: ID!, $r: ID!) { replayDiff(left: $l, right: $r) { left } }', { l: 'task_unknown', r: taskA });
    expect(mixed.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const drift = (await ok(outsider, 'query($c: String) { policyDriftReport(input: { cedar: $c }) { tasksEvaluated } }', { c: PERMIT_ALL })).policyDriftReport;
    expect(drift.tasksEvaluated).toBe(0);
    expect((await gql(null, '{ evidencePublicKeys }')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects bad arguments naming the field', async () => {
    const issues = (r: Json) => (r.errors?.[0]?.extensions?.issues ?? []).map((i: Json) => i.path);
    const W = 'query($t: ID!, $c: String, $p: ID) { whatIf(taskId: $t, cedar: $c, policySetId: $p) { changed } }';
    const both = await gql(investigator, W, { t: taskA, c: PERMIT_ALL, p: packVersion });
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(issues(both)).toEqual(['policySetId']);
    const neither = await gql(investigator, W, { t: taskA });
    expect(neither.errors?.[0]?.message).toMatch(/give one of `policySetId` or `cedar`/);
    const huge = await gql(investigator, W, { t: taskA, c: 'x'.repeat(512 * 1024 + 1) });
    expect(issues(huge)).toEqual(['cedar']);
    const broken = await gql(investigator, W, { t: taskA, c: 'permit (principal, action, resource' });
    expect(broken.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(issues(broken)[0]).toMatch(/^cedar:\d+:\d+$/);
    const unknown = await gql(investigator, W, { t: taskA, p: 'ps_0000' });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const D = 'query($i: PolicyDriftInput!) { policyDriftReport(input: $i) { changed } }';
    for (const lastN of [0, 1001]) {
      const r = await gql(investigator, D, { i: { cedar: packText, lastN } });
      expect(issues(r), String(lastN)).toEqual(['input.lastN']);
    }
    expect(issues(await gql(investigator, D, { i: { lastN: 5 } }))).toEqual(['input.policySetId']);
    expect(issues(await gql(investigator, D, { i: { cedar: packText, since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' } }))).toEqual(['input.until']);

    const V = 'mutation($b: String!) { verifyEvidence(bundle: $b) { valid failures { code part } } }';
    expect(issues(await gql(investigator, V, { b: '' }))).toEqual(['bundle']);
    const notJson = (await ok(investigator, V, { b: 'not a bundle' })).verifyEvidence;
    expect(notJson).toEqual({ valid: false, failures: [{ code: 'MALFORMED', part: 'bundle' }] });
    const tooBig = await gql(investigator, V, { b: 'x'.repeat(1024 * 1024 + 1) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(issues(await gql(investigator, 'query { determinismCheck(taskId: "") { deterministic } }'))).toEqual(['taskId']);
  });

  it('returns a drift preview when a policy set is published', async () => {
    const P = 'mutation($i: PublishPolicySetInput!) { publishPolicySet(input: $i) { version activated errors { message } driftPreview { tasksEvaluated decisionsEvaluated changed groups } } }';
    const published = (await ok(ADMIN, P, { i: { cedar: packText + FORBID_SQL, tenant: 'demo', description: 'freeze sql' } })).publishPolicySet;
    try {
      expect(published.activated).toBe(true);
      expect(published.driftPreview).toMatchObject({ tasksEvaluated: 2, decisionsEvaluated: 3, changed: 2 });
      expect(published.driftPreview.groups[0]).toMatchObject({ policyId: 'forbid-sql', count: 2 });
      const invalid = (await ok(ADMIN, P, { i: { cedar: 'permit (', tenant: 'demo' } })).publishPolicySet;
      expect(invalid).toMatchObject({ activated: false, driftPreview: null });
    } finally {
      await ok(ADMIN, 'mutation($v: ID!) { activatePolicySet(version: $v, tenant: "demo") { active } }', { v: packVersion });
    }
  });
});
