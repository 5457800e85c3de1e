/**
 * @module Transparency check: run `conformance server` (0.1.13) against server-everything directly
 * and through the proxy, and compare. The conformance client sends no credential, so the proxied
 * run goes through a loopback shim that adds the agent's bearer token (and the proxy's Host) to
 * every request: authentication stays on, exactly as a configured client would use it.
 */
import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

export const CONFORMANCE_BIN = join(ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');

export interface ScenarioResult {
  passed: number;
  failed: number;
}

/** Run the active server suite; scenario name → check counts, parsed from its summary lines. */
export async function runConformance(url: string, outDir: string): Promise<Record<string, ScenarioResult>> {
  const child = spawn(process.execPath, [CONFORMANCE_BIN, 'server', '--url', url, '-o', outDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const out: Record<string, ScenarioResult> = {};
  for (const m of text.matchAll(/^[✓✗] (\S+): (\d+) passed, (\d+) failed$/gmu)) out[m[1]!] = { passed: Number(m[2]), failed: Number(m[3]) };
  return out;
}

/** A loopback forwarder that adds `Authorization: Bearer <token>` and the target's Host. */
export async function bearerShim(target: string, token: string): Promise<{ url: string; close(): Promise<void> }> {
  const t = new URL(target);
  const server: Server = createServer((req, res) => {
    const headers = { ...req.headers, host: t.host, authorization: `Bearer ${token}` };
    const up = request({ host: t.hostname, port: t.port, path: req.url, method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}${t.pathname}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
