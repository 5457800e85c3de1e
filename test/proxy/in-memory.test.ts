/**
 * The protocol core without sockets: agents and upstreams on in-memory transport pairs. Covers
 * stdio-style authentication, several upstreams (prefixed names), the local budget, and durable
 * mode against a scripted API.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createTestServer } from '../fixtures/mcp-test-server.js';
import { DENIAL_META_KEY } from '../../proxy/protocol/tools.js';
import { createProxy, type ProxyOptions } from '../../proxy/start.js';
import { serveAuthenticated } from '../../proxy/transport/stdio.js';
import type { UpstreamSpec } from '../../proxy/upstream/index.js';
import { makeKeys, tempDir, TEST_GOVERNANCE, type Keys } from './helpers.js';

async function memoryUpstream(name: string): Promise<UpstreamSpec> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createTestServer().connect(serverSide);
  return { name, kind: 'transport', transport: clientSide };
}

async function setup(names: string[], over: Partial<ProxyOptions> = {}): Promise<{ keys: Keys; connect(token: string | undefined): Promise<Client | { code: string }>; close(): Promise<void> }> {
  const dir = tempDir();
  const keys = await makeKeys(dir);
  const governance = { ...TEST_GOVERNANCE, servers: Object.fromEntries(names.map((n) => [n, TEST_GOVERNANCE.servers.test!])) };
  const proxy = await createProxy({ upstreams: await Promise.all(names.map(memoryUpstream)), mode: 'local', dataDir: join(dir, 'data'), jwks: keys.jwksPath, governance, approveAllOnFirstUse: true, ...over });
  const clients: Client[] = [];
  return {
    keys,
    async connect(token) {
      const [agentSide, proxySide] = InMemoryTransport.createLinkedPair();
      const served = await serveAuthenticated(proxy.core, proxy.auth, token, proxySide);
      if (!served.ok) return { code: served.code };
      const c = new Client({ name: 'agent', version: '0' });
      await c.connect(agentSide);
      clients.push(c);
      return c;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await proxy.close();
    },
  };
}

const denial = (r: unknown) => (r as CallToolResult)._meta?.[DENIAL_META_KEY] as { code: string; reasons: unknown[] } | undefined;

describe('stdio-style authentication', () => {
  it('serves nothing without a valid token', async () => {
    const s = await setup(['test']);
    expect(await s.connect(undefined)).toEqual({ code: 'NO_CREDENTIAL' });
    expect(await s.connect('not-a-jwt')).toMatchObject({ code: 'MALFORMED' });
    const stranger = await makeKeys(tempDir());
    expect(await s.connect(await stranger.token('a', ['util.echo']))).toEqual({ code: 'UNKNOWN_KID' });
    await s.close();
  });
});

describe('several upstreams', () => {
  it('exposes `<server>__<tool>` and routes each call to its server', async () => {
    const s = await setup(['mail', 'util']);
    const c = (await s.connect(await s.keys.token('a', ['util.echo']))) as Client;
    const names = (await c.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(['mail__echo', 'mail__fail', 'mail__slow', 'util__echo', 'util__fail', 'util__slow']);
    const r = (await c.callTool({ name: 'util__echo', arguments: { text: 'routed' } })) as CallToolResult;
    expect(r.content[0]).toEqual({ type: 'text', text: 'routed' });
    expect(denial(await c.callTool({ name: 'echo', arguments: { text: 'x' } }))?.code).toBe('UNKNOWN_TOOL');
    expect(denial(await c.callTool({ name: 'nope__echo', arguments: { text: 'x' } }))?.code).toBe('UNKNOWN_TOOL');
    await s.close();
  });
});

describe('local budget through the proxy', () => {
  it('refuses calls past the daily allowance with BUDGET_EXCEEDED', async () => {
    const s = await setup(['test'], { governance: { ...TEST_GOVERNANCE, budget: { callsPerDay: 2 } } });
    const c = (await s.connect(await s.keys.token('budgeted', ['util.echo']))) as Client;
    for (let i = 0; i < 2; i++) expect((await c.callTool({ name: 'echo', arguments: { text: `n${i}` } })).isError).toBeFalsy();
    const third = await c.callTool({ name: 'echo', arguments: { text: 'n3' } });
    expect(third.isError).toBe(true);
    expect(denial(third)?.code).toBe('BUDGET_EXCEEDED');
    // the agent learns when to ask again: the allowance resets at the next UTC midnight
    const reason = denial(third)?.reasons[0] as { code: string; message: string; retryAt?: string };
    const midnight = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1)).toISOString();
    expect(reason).toMatchObject({ code: 'BUDGET_EXCEEDED', retryAt: midnight, message: expect.stringContaining(`resets by ${midnight}`) });
    await s.close();
  });

  it('keeps what was spent across a restart of the proxy (recounted from its audit buffer)', async () => {
    const dataDir = join(tempDir(), 'data');
    const opts = { dataDir, governance: { ...TEST_GOVERNANCE, budget: { callsPerDay: 2 } } };
    const utcDay = () => new Date().toISOString().slice(0, 10);
    const day = utcDay();
    const first = await setup(['test'], opts);
    const c1 = (await first.connect(await first.keys.token('budgeted', ['util.echo']))) as Client;
    for (let i = 0; i < 2; i++) expect((await c1.callTool({ name: 'echo', arguments: { text: `n${i}` } })).isError).toBeFalsy();
    await first.close();
    const second = await setup(['test'], opts);
    const c2 = (await second.connect(await second.keys.token('budgeted', ['util.echo']))) as Client;
    const third = await c2.callTool({ name: 'echo', arguments: { text: 'n3' } });
    // why: the allowance is per UTC day; a run that crosses midnight has a fresh one
    if (utcDay() === day) expect(denial(third)?.code).toBe('BUDGET_EXCEEDED');
    // another agent's allowance is its own
    const other = (await second.connect(await second.keys.token('fresh', ['util.echo']))) as Client;
    expect((await other.callTool({ name: 'echo', arguments: { text: 'x' } })).isError).toBeFalsy();
    await second.close();
  });
});

describe('policy fails closed', () => {
  it('denies every call when the policy file does not compile', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.cedar');
    (await import('node:fs')).writeFileSync(bad, 'permit (principal, action, resource'); // unterminated
    const s = await setup(['test'], { policyFile: bad });
    const c = (await s.connect(await s.keys.token('a', ['util.echo']))) as Client;
    expect((await c.listTools()).tools).toEqual([]);
    expect(denial(await c.callTool({ name: 'echo', arguments: { text: 'x' } }))?.code).toBe('POLICY_DENIED');
    await s.close();
  });
});
