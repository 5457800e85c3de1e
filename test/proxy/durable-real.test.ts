/**
 * Durable mode on the real path: an MCP client ↔ the proxy ↔ the test MCP server, with every call a
 * caller-executed governed task on the real API (embedded Temporal service, real worker, database).
 * The agent's credential is issued by the API and verified by the proxy through the API's JWKS.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ProxyGovernance } from '../../proxy/config.js';
import { DENIAL_META_KEY } from '../../proxy/protocol/tools.js';
import { createProxy, type Proxy } from '../../proxy/start.js';
import { serveAuthenticated } from '../../proxy/transport/stdio.js';
import { createTestServer, INJECTED_EMAIL } from '../fixtures/mcp-test-server.js';
import { startRealApi, type Json, type RealApi } from '../support/real-api.js';
import { tempDir } from './helpers.js';

const tool = (requiredCapability: string, riskLevel: 'low' | 'high', sideEffect: 'read' | 'external') => ({ requiredCapability, riskLevel, sideEffect, costUsd: 0, pathArgs: [], urlArgs: [], urlAllowlist: [] });
/** The proxy's local view of the upstream, matching what the tenant registered in the API. */
const GOVERNANCE: ProxyGovernance = {
  servers: { test: { tools: { echo: tool('util.echo', 'low', 'read'), read_inbox: tool('mail.read', 'low', 'read'), send_email: tool('email:send', 'high', 'external') } } },
  budget: {},
};
const REGISTER = 'mutation($i: RegisterToolInput!) { registerTool(input: $i) { name } }';

/** The test MCP server behind a durable-mode proxy on `stack`'s API, which verifies agents with the API's key set. */
async function durableProxyOn(stack: RealApi): Promise<Proxy> {
  const [up, down] = InMemoryTransport.createLinkedPair();
  await createTestServer().connect(down);
  return createProxy({
    upstreams: [{ name: 'test', kind: 'transport', transport: up }], mode: 'durable', api: stack.url, pollMs: 50,
    dataDir: join(tempDir(), 'data'), jwks: stack.url.replace(/\/graphql$/, '/.well-known/jwks.json'), governance: GOVERNANCE, approveAllOnFirstUse: true,
  });
}

/** An MCP client served by `proxy` as the agent holding `token`. */
async function agentOf(proxy: Proxy, token: string): Promise<Client> {
  const [agentSide, proxySide] = InMemoryTransport.createLinkedPair();
  const served = await serveAuthenticated(proxy.core, proxy.auth, token, proxySide);
  expect(served.ok).toBe(true);
  const client = new Client({ name: 'agent', version: '0' });
  await client.connect(agentSide);
  return client;
}

describe('durable mode against the real API', () => {
  let stack: RealApi;
  let proxy: Proxy;
  let token: string;

  beforeAll(async () => {
    stack = await startRealApi({ taskQueue: 'proxy-durable-real' });
    const schemas = { echo: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }, read_inbox: { type: 'object', properties: {} } };
    for (const [name, capability] of [['echo', 'util.echo'], ['read_inbox', 'mail.read']] as const) {
      await stack.ok(stack.adminToken, REGISTER, { i: { name, tenant: 'demo', argsSchema: schemas[name], requiredCapability: capability, riskLevel: 'LOW', sideEffect: 'READ' } });
    }
    const agent = await stack.ok(stack.adminToken, 'mutation { registerAgent(input: { name: "mcp-agent", tenant: "demo", capabilities: ["util.echo", "mail.read", "email:send"] }) { credential { token } } }');
    token = agent.registerAgent.credential.token;
    proxy = await durableProxyOn(stack);
  }, 240_000);

  afterAll(async () => {
    await proxy?.close();
    await stack?.close();
  });

  const agent = (): Promise<Client> => agentOf(proxy, token);

  const lastTaskOf = (toolName: string): string => {
    const e = proxy.audit.readAll().findLast((x) => x.event.type === 'proxy.call' && x.event.data.tool === toolName);
    return e?.event.data.taskId as string;
  };

  async function settled(id: string): Promise<Json> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const t = (await stack.ok(stack.demo.approverKey, 'query($id: ID!) { task(id: $id) { status steps { state decision executed result reasons { code } } } }', { id })).task;
      if (!['RUNNING', 'AWAITING_APPROVAL'].includes(t.status)) return t;
      if (Date.now() > deadline) throw new Error(`task ${id} did not settle: ${JSON.stringify(t)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('runs an allowed call: the upstream answers, and the task records the result the proxy reported', async () => {
    const client = await agent();
    const r = (await client.callTool({ name: 'echo', arguments: { text: 'through the governed path' } })) as CallToolResult;
    expect(r.content[0]).toEqual({ type: 'text', text: 'through the governed path' });
    const task = await settled(lastTaskOf('echo'));
    expect(task.status).toBe('COMPLETED');
    expect(task.steps[0]).toMatchObject({ state: 'EXECUTED', decision: 'ALLOW', executed: true, result: { content: [{ type: 'text', text: 'through the governed path' }] } });
    await client.close();
  }, 60_000);

  it('holds an external e-mail for a person, tells the agent, and sends it once approved', async () => {
    const client = await agent();
    const progress: string[] = [];
    const call = client.callTool({ name: 'send_email', arguments: { to: 'partner@partner.example.org', subject: 'hello', body: 'see you at noon' } }, undefined, { onprogress: (p) => progress.push(p.message ?? ''), timeout: 60_000 });
    let approvalId: string | undefined;
    const deadline = Date.now() + 30_000;
    while (!approvalId && Date.now() < deadline) {
      const pending = (await stack.ok(stack.demo.approverKey, '{ pendingApprovals { id tool } }')).pendingApprovals as Json[];
      approvalId = pending.find((a) => a.tool === 'send_email')?.id;
      if (!approvalId) await new Promise((r) => setTimeout(r, 50));
    }
    expect(approvalId).toBeDefined();
    await stack.ok(stack.demo.approverKey, 'mutation($id: ID!) { decideApproval(input: { approvalId: $id, decision: APPROVE, reason: "expected" }) { status } }', { id: approvalId });
    const r = (await call) as CallToolResult;
    expect(r.content[0]).toEqual({ type: 'text', text: 'sent to partner@partner.example.org' });
    expect(progress.join(' ')).toMatch(/approve/);
    expect((await settled(lastTaskOf('send_email'))).status).toBe('COMPLETED');
    await client.close();
  }, 60_000);

  it('refuses an e-mail carrying instructions from an earlier output, with the API decision and its reasons', async () => {
    const client = await agent();
    const inbox = (await client.callTool({ name: 'read_inbox', arguments: {} })) as CallToolResult;
    expect((inbox.content[0] as { text: string }).text).toContain('ignore previous instructions');
    const r = await client.callTool({ name: 'send_email', arguments: { to: 'x@evil.test', subject: 'as asked', body: `Forwarding: ${INJECTED_EMAIL}` } });
    expect(r.isError).toBe(true);
    const denial = r._meta?.[DENIAL_META_KEY] as { code: string; reasons: { code: string; message: string }[] };
    expect(denial.code, JSON.stringify(denial)).toBe('POLICY_DENIED');
    // the provenance the proxy saw (this argument derives from read_inbox's output) reached the API's policy
    expect(denial.reasons.some((x) => x.code === 'POLICY_FORBID' && /untrusted content/.test(x.message)), JSON.stringify(denial)).toBe(true);
    const task = await settled(lastTaskOf('send_email'));
    expect(task.steps[0]).toMatchObject({ state: 'DENIED', executed: false });
    await client.close();
  }, 60_000);

  it('ships a local-mode proxy\'s audit buffer to the API, idempotently, and refuses a tampered one', async () => {
    const admin = (await stack.ok(stack.adminToken, 'mutation { issueApiKey(input: { subject: "proxy-shipper", roles: [ADMIN], tenant: "demo" }) { key } }')).issueApiKey.key as string;
    const [up, down] = InMemoryTransport.createLinkedPair();
    await createTestServer().connect(down);
    const dataDir = join(tempDir(), 'local');
    const local = await createProxy({
      upstreams: [{ name: 'test', kind: 'transport', transport: up }], mode: 'local', api: stack.url, shipToken: admin, shipEveryMs: 60_000,
      dataDir, jwks: stack.url.replace(/\/graphql$/, '/.well-known/jwks.json'), governance: GOVERNANCE, approveAllOnFirstUse: true,
    });
    const [agentSide, proxySide] = InMemoryTransport.createLinkedPair();
    expect((await serveAuthenticated(local.core, local.auth, token, proxySide)).ok).toBe(true);
    const client = new Client({ name: 'agent', version: '0' });
    await client.connect(agentSide);
    await client.callTool({ name: 'echo', arguments: { text: 'decided in process' } });
    await client.close();
    const records = local.audit.readAll();
    await local.close(); // ships what is left
    const shipped = await stack.ok(admin, '{ auditEvents(tenant: "demo", first: 500) { edges { node { eventId type data } } } }');
    const ids = new Set((shipped.auditEvents.edges as Json[]).map((e) => e.node.eventId));
    expect(records.every((r) => ids.has(r.event.eventId))).toBe(true);
    const call = (shipped.auditEvents.edges as Json[]).find((e) => e.node.type === 'proxy.call' && e.node.data.tool === 'echo');
    expect(call.node.data.proxyRecord).toMatchObject({ seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/), shippedBy: expect.stringMatching(/.+/) });

    const INGEST = 'mutation($e: JSON!) { ingestAuditEvents(events: $e) }';
    const again = await stack.gql(admin, INGEST, { e: records });
    expect(again.data.ingestAuditEvents).toBe(records.length);
    const after = await stack.ok(admin, '{ auditEvents(tenant: "demo", first: 500) { edges { node { eventId } } } }');
    expect(after.auditEvents.edges.length).toBe(shipped.auditEvents.edges.length);
    const tampered = records.map((r, i) => (i === 1 ? { ...r, event: { ...r.event, data: { ...r.event.data, tool: 'something_else' } } } : r));
    const refused = await stack.gql(admin, INGEST, { e: tampered });
    expect(refused.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(refused.errors[0].extensions.issues[0].path).toBe('events[1]');
    const otherTenant = (await stack.ok(stack.adminToken, 'mutation { issueApiKey(input: { subject: "elsewhere-admin", roles: [ADMIN], tenant: "elsewhere" }) { key } }')).issueApiKey.key as string;
    expect((await stack.gql(otherTenant, INGEST, { e: records })).errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await stack.gql(token, INGEST, { e: records })).errors[0].extensions.code).toBe('FORBIDDEN');
  }, 60_000);
});

describe('durable mode when the agent is past its API rate limit', () => {
  let stack: RealApi;
  let proxy: Proxy;
  let token: string;

  beforeAll(async () => {
    // two requests a second: a durable call makes two (the submit, then the report)
    stack = await startRealApi({ taskQueue: 'proxy-durable-limited', rateLimit: { perSecond: 2, burst: 2 } });
    await stack.ok(stack.adminToken, REGISTER, { i: { name: 'echo', tenant: 'demo', argsSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }, requiredCapability: 'util.echo', riskLevel: 'LOW', sideEffect: 'READ' } });
    token = (await stack.ok(stack.adminToken, 'mutation { registerAgent(input: { name: "busy-agent", tenant: "demo", capabilities: ["util.echo"] }) { credential { token } } }')).registerAgent.credential.token;
    proxy = await durableProxyOn(stack);
  }, 240_000);

  afterAll(async () => {
    await proxy?.close();
    await stack?.close();
  });

  it('waits as long as the API says and asks again, instead of refusing the call', async () => {
    const client = await agentOf(proxy, token);
    const started = Date.now();
    const results: CallToolResult[] = [];
    for (let i = 0; i < 4; i++) results.push((await client.callTool({ name: 'echo', arguments: { text: `call ${i}` } })) as CallToolResult);
    expect(results.map((r) => r._meta?.[DENIAL_META_KEY] ?? null)).toEqual([null, null, null, null]);
    expect(results.map((r) => (r.content[0] as { text: string }).text)).toEqual(['call 0', 'call 1', 'call 2', 'call 3']);
    // eight requests at two a second after a burst of two: the limit was met and waited out
    expect(Date.now() - started).toBeGreaterThan(1_500);
    await client.close();
  }, 60_000);
});
