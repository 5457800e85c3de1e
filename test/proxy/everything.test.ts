/**
 * The proxy in front of the reference server (server-everything), spawned as a child process in
 * both of its transports: stdio (the proxy spawns it) and Streamable HTTP (on a free port).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ProxyGovernance } from '../../proxy/config.js';
import type { UpstreamSpec } from '../../proxy/upstream/index.js';
import { agent, EVERYTHING_BIN, makeKeys, spawnEverythingHttp, startProxy, tempDir, type Running } from './helpers.js';

const everyTool = { requiredCapability: 'everything.use', riskLevel: 'low' as const, sideEffect: 'read' as const, costUsd: 0, pathArgs: [], urlArgs: [], urlAllowlist: [] };
const GOVERNANCE: ProxyGovernance = { servers: { everything: { tools: { '*': everyTool } } }, budget: {} };
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function roundTrip(upstream: UpstreamSpec): Promise<void> {
  const dir = tempDir();
  const keys = await makeKeys(dir);
  const running: Running = await startProxy({ upstreams: [upstream], mode: 'local', dataDir: join(dir, 'data'), jwks: keys.jwksPath, governance: GOVERNANCE, approveAllOnFirstUse: true, timeoutMs: 10_000 });
  cleanups.push(() => running.close());
  const full = await agent(running.http.url, await keys.token('agent-e', ['everything.use']));
  cleanups.push(() => full.close());
  const tools = (await full.listTools()).tools.map((t) => t.name);
  expect(tools).toContain('echo');
  const r = (await full.callTool({ name: 'echo', arguments: { message: 'through the proxy' } })) as CallToolResult;
  expect(r.isError).toBeFalsy();
  expect(JSON.stringify(r.content)).toContain('through the proxy');
  const none = await agent(running.http.url, await keys.token('agent-n', ['other.cap']));
  cleanups.push(() => none.close());
  expect((await none.listTools()).tools).toEqual([]);
  const denied = (await none.callTool({ name: 'echo', arguments: { message: 'x' } })) as CallToolResult;
  expect(denied.isError).toBe(true);
}

describe('server-everything behind the proxy', () => {
  it('works over stdio', async () => {
    await roundTrip({ name: 'everything', kind: 'stdio', command: process.execPath, args: [EVERYTHING_BIN, 'stdio'] });
  }, 60_000);

  it('works over Streamable HTTP', async () => {
    const ev = await spawnEverythingHttp();
    cleanups.push(() => ev.stop());
    await roundTrip({ name: 'everything', kind: 'http', url: ev.url });
  }, 60_000);
});
