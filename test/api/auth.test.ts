import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, codes, gql, openHarness, tenantFixture, type Harness, type TenantFixture } from './harness.js';

const VIEWER = '{ viewer { id kind roles tenant platformAdmin agentId } }';

function b64(obj: unknown): string {
  return Buffer.from(JSON.stringify(obj)).toString('base64url');
}

describe('authentication', () => {
  let h: Harness;
  let a: TenantFixture;

  beforeAll(async () => {
    h = await openHarness();
    a = await tenantFixture(h, 'acme');
  });
  afterAll(async () => h?.close());

  it('answers UNAUTHENTICATED without a token', async () => {
    const r = await gql(h, null, VIEWER);
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
    expect(r.data).toBeNull();
  });

  it.each([
    ['a malformed header', 'Basic dXNlcjpwYXNz'],
    ['an unknown opaque token', 'Bearer not-a-token'],
    ['an API key with a wrong secret', 'Bearer ik_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('refuses %s with 401 before any resolver runs', async (_name, header) => {
    const res = await h.api.handle(new Request('http://t/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: header }, body: JSON.stringify({ query: VIEWER }) }));
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(res.status).toBe(401);
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('identifies an agent by its credential, with the tenant from the token', async () => {
    const r = await gql(h, a.agent.token, VIEWER);
    expect(r.data!.viewer).toEqual({ id: a.agent.id, kind: 'AGENT', roles: ['AGENT'], tenant: 'acme', platformAdmin: false, agentId: a.agent.id });
  });

  it('identifies API key holders with the roles of their key', async () => {
    const r = await gql(h, a.approver.token, VIEWER);
    expect(r.data!.viewer).toMatchObject({ kind: 'USER', roles: ['APPROVER'], tenant: 'acme', platformAdmin: false, agentId: null });
  });

  it('treats the bootstrap token as the platform administrator', async () => {
    const r = await gql(h, ADMIN_TOKEN, VIEWER);
    expect(r.data!.viewer).toMatchObject({ platformAdmin: true, tenant: null, roles: ['ADMIN', 'INVESTIGATOR'] });
  });

  it('refuses a credential whose payload was edited to another tenant', async () => {
    const [header, payload, sig] = a.agent.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = [header, b64({ ...claims, tenant: 'globex' }), sig].join('.');
    const r = await gql(h, forged, VIEWER);
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
    expect(r.errors![0]!.message).toMatch(/signature/);
  });

  it('refuses a credential signed by a key the platform does not hold, even under a known kid', async () => {
    const [header] = a.agent.token.split('.') as [string];
    const kid = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid: string }).kid;
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ tenant: 'acme', capabilities: ['email:send'] })
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'agent+jwt' })
      .setSubject(a.agent.id).setIssuer('interceptor').setAudience('interceptor-api').setJti('forged-jti')
      .setIssuedAt(now).setNotBefore(now).setExpirationTime(now + 600)
      .sign(privateKey);
    expect(codes(await gql(h, forged, VIEWER))).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses an unsigned (`alg: none`) credential', async () => {
    const none = [b64({ alg: 'none', typ: 'agent+jwt' }), b64({ sub: a.agent.id, tenant: 'acme', capabilities: [], jti: 'x' }), ''].join('.');
    const r = await gql(h, none, VIEWER);
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses an expired credential', async () => {
    const issued = await gql(h, a.admin.token, 'mutation($i: IssueAgentCredentialInput!) { issueAgentCredential(input: $i) { token expiresAt } }', { i: { agentId: a.agent.id, ttlSeconds: 60 } });
    const token = issued.data!.issueAgentCredential.token as string;
    expect(codes(await gql(h, token, VIEWER))).toEqual([]);
    h.clock.now = new Date(h.clock.now.getTime() + 10 * 60_000);
    try {
      const r = await gql(h, token, VIEWER);
      expect(codes(r)).toEqual(['UNAUTHENTICATED']);
      expect(r.errors![0]!.message).toMatch(/expired/);
    } finally {
      h.clock.now = new Date();
    }
  });

  it('refuses a revoked credential on the next request', async () => {
    const issued = await gql(h, a.admin.token, 'mutation($i: IssueAgentCredentialInput!) { issueAgentCredential(input: $i) { id token } }', { i: { agentId: a.agent.id } });
    const { id, token } = issued.data!.issueAgentCredential as { id: string; token: string };
    expect(codes(await gql(h, token, VIEWER))).toEqual([]);
    const revoked = await gql(h, a.admin.token, 'mutation($id: ID!) { revokeCredential(id: $id) { id revokedAt } }', { id });
    expect(revoked.data!.revokeCredential.revokedAt).toBeTruthy();
    expect(codes(await gql(h, token, VIEWER))).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a revoked API key', async () => {
    const issued = await gql(h, a.admin.token, 'mutation { issueApiKey(input: { subject: "temp", roles: [INVESTIGATOR] }) { key apiKey { id } } }');
    const { key, apiKey } = issued.data!.issueApiKey as { key: string; apiKey: { id: string } };
    expect(codes(await gql(h, key, VIEWER))).toEqual([]);
    await gql(h, a.admin.token, 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: apiKey.id });
    const r = await gql(h, key, VIEWER);
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
    expect(r.errors![0]!.message).toBe('the API key has been revoked');
  });

  it('refuses an API key whose secret differs from the stored one under a valid key id', async () => {
    const tampered = `${a.approver.token.slice(0, -4)}AAAA`;
    const r = await gql(h, tampered === a.approver.token ? `${a.approver.token.slice(0, -4)}BBBB` : tampered, VIEWER);
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
    expect(r.errors![0]!.message).toBe('invalid API key');
  });

  it.each([
    ['an approver', (f: TenantFixture) => f.approver.token],
    ['an investigator', (f: TenantFixture) => f.investigator.token],
    ['an agent', (f: TenantFixture) => f.agent.token],
  ])('forbids %s from registering agents', async (_n, token) => {
    const r = await gql(h, token(a), 'mutation { registerAgent(input: { name: "x", capabilities: [] }) { agent { id } } }');
    expect(codes(r)).toEqual(['FORBIDDEN']);
  });

  it('refuses API keys with the AGENT role (agents need credentials)', async () => {
    const r = await gql(h, a.admin.token, 'mutation { issueApiKey(input: { subject: "bot", roles: [AGENT] }) { key } }');
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.issues).toEqual([{ path: 'input.roles', message: 'must not include AGENT' }]);
  });

  it('never returns a stored hash or a key after issuance', async () => {
    const r = await gql(h, a.admin.token, '{ __type(name: "ApiKey") { fields { name } } }');
    const fields = (r.data!.__type.fields as { name: string }[]).map((f) => f.name);
    expect(fields).not.toContain('hash');
    expect(fields).not.toContain('key');
  });
});
