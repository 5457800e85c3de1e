/** @module Shared fixtures of the proxy tests: keys and credentials, a proxy on a free port, agent clients, child servers. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createKeyRing, generateSigningKey, issueAgentCredential, type KeyRing } from '../../governance/identity/index.js';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../../proxy/auth/index.js';
import type { ProxyGovernance } from '../../proxy/config.js';
import { createProxy, type Proxy, type ProxyOptions } from '../../proxy/start.js';
import { listenHttp, type HttpEdge } from '../../proxy/transport/http.js';
import { freePort } from '../support/free-port.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TEST_SERVER = join(ROOT, 'test/fixtures/mcp-test-server.ts');
export const EVERYTHING_BIN = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

export function tempDir(prefix = 'proxy-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Keys {
  ring: KeyRing;
  jwksPath: string;
  token(agentId: string, capabilities: string[], over?: { tenant?: string; ttlSeconds?: number }): Promise<string>;
}

export async function makeKeys(dir: string): Promise<Keys> {
  const record = await generateSigningKey(new Date());
  const ring = await createKeyRing([record]);
  const jwksPath = join(dir, 'jwks.json');
  writeFileSync(jwksPath, JSON.stringify(ring.publicJwks()));
  return {
    ring,
    jwksPath,
    async token(agentId, capabilities, over = {}) {
      const issued = await issueAgentCredential({ agentId, tenant: over.tenant ?? 'acme', capabilities, ttlSeconds: over.ttlSeconds ?? 600, audience: DEFAULT_AUDIENCE, issuer: DEFAULT_ISSUER, now: new Date() }, ring);
      return issued.token;
    },
  };
}

/** The governance file the tests use for the fixture server. */
export const TEST_GOVERNANCE: ProxyGovernance = {
  servers: {
    test: {
      tools: {
        echo: { requiredCapability: 'util.echo', riskLevel: 'low', sideEffect: 'read', costUsd: 0, pathArgs: [], urlArgs: [], urlAllowlist: [] },
        read_inbox: { requiredCapability: 'mail.read', riskLevel: 'low', sideEffect: 'read', costUsd: 0, pathArgs: [], urlArgs: [], urlAllowlist: [] },
        send_email: { requiredCapability: 'mail.send', riskLevel: 'medium', sideEffect: 'external', costUsd: 0.01, pathArgs: [], urlArgs: [], urlAllowlist: [] },
        slow: { requiredCapability: 'util.echo', riskLevel: 'low', sideEffect: 'read', costUsd: 0, pathArgs: [], urlArgs: [], urlAllowlist: [] },
        fail: { requiredCapability: 'util.echo', riskLevel: 'low', sideEffect: 'read', costUsd: 0, pathArgs: [], urlArgs: [], urlAllowlist: [] },
        exfiltrate: { requiredCapability: 'util.echo', riskLevel: 'low', sideEffect: 'read', costUsd: 0, pathArgs: [], urlArgs: [], urlAllowlist: [] },
      },
    },
  },
  budget: {},
};

export interface Running {
  proxy: Proxy;
  http: HttpEdge;
  close(): Promise<void>;
}

export async function startProxy(opts: ProxyOptions): Promise<Running> {
  const proxy = await createProxy(opts);
  const http = await listenHttp(proxy.core, proxy.auth, '127.0.0.1', 0);
  return {
    proxy,
    http,
    async close() {
      await http.close();
      await proxy.close();
    },
  };
}

export async function agent(url: string, token: string | undefined): Promise<Client> {
  const client = new Client({ name: 'test-agent', version: '0' });
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

export { freePort };

/** Spawn server-everything in streamableHttp mode on a free port; resolves once it listens. */
export async function spawnEverythingHttp(): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [EVERYTHING_BIN, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server-everything did not start')), 15_000);
    const onData = (d: Buffer) => {
      if (d.toString().includes('listening on port')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
    child.once('exit', () => reject(new Error('server-everything exited')));
  });
  return { url: `http://127.0.0.1:${port}/mcp`, child, stop: () => stopChild(child) };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}
