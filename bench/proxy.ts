/**
 * @module Proxy latency benchmark (`npm run bench:proxy [-- --quick]`): tools/call latency direct
 * versus through the proxy in local mode, at concurrency 1 and 32, p50/p99. Two setups:
 *   - `inProcess`: agent, proxy and upstream joined by in-memory transports, so the difference is
 *     the proxy's own work (authentication is per session; per call: pin check, taint, assessStep
 *     with Cedar, budget, the audit records of the decision and of the outcome, on disk (one
 *     group-committed fdatasync) before the result is returned);
 *   - `http`: agent → Streamable HTTP → proxy → Streamable HTTP → server-everything, against agent →
 *     server-everything directly: what a deployment sees, one extra HTTP hop included;
 *   - `durable`: in-memory agent and upstream as in `inProcess`, the proxy in durable mode against
 *     `bin/interceptor start` in a child process (embedded Temporal service, PGlite): every call is a
 *     caller-executed governed task (submitTask → READY → upstream → reportToolResult).
 * In `inProcess` and `http` a bare passthrough (bench/proxy-floor.ts: the same SDK, forwarding and
 * nothing else) is measured beside the proxy: `passthroughAdded` is what one more MCP hop costs here,
 * the floor under `added`.
 * Writes bench/results/proxy.json with machine information, targets and whether they were met.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createTestServer } from '../test/fixtures/mcp-test-server.js';
import { agent, makeKeys, spawnEverythingHttp, startProxy, tempDir, TEST_GOVERNANCE } from '../test/proxy/helpers.js';
import { createProxy } from '../proxy/start.js';
import { serveAuthenticated } from '../proxy/transport/stdio.js';
import { ADMIN_TOKEN, createStack, gqlOk } from '../test/e2e/stack.js';
import { percentile } from './drive.js';
import { listenPassthrough, passthroughServer } from './proxy-floor.js';

const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'proxy.json');
const TARGETS = { addedP50Ms: 1, addedP99Ms: 3, durableAddedP50Ms: 30 };
const quick = process.argv.includes('--quick');
const CALLS = quick ? 300 : 2_000;
const WARMUP = quick ? 50 : 200;
const DURABLE_CALLS = quick ? 100 : 400;
/** Rounds the calls of measured-together setups are split into (fewer when a round would be tiny). */
const ROUNDS = 8;
// `--only inProcess,http` runs only the named setups (profiling, quick checks); bench/results/proxy.json is then not written.
const onlyArg = process.argv.find((a, i) => process.argv[i - 1] === '--only' || a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.replace(/^--only=/, '').split(',')) : undefined;
// `--audit-sync batched` measures the proxy without waiting for audit flushes (for comparison only; the default waits).
const auditSyncArg = process.argv.find((a, i) => process.argv[i - 1] === '--audit-sync');
const auditSync = auditSyncArg === 'batched' ? { auditSync: 'batched' as const } : {};
const runs = (name: 'inProcess' | 'http' | 'durable') => !only || only.has(name);

interface Stats { p50Ms: number; p99Ms: number; meanMs: number; callsPerSec: number; calls: number }

/**
 * Measures several setups together: after a warm-up of each, their calls run in rounds, each round
 * one slice per setup in a rotating order. why: a pause of the machine (GC, another process) then
 * falls on every setup alike instead of on whichever ran at that moment, which made the difference
 * of two p99s swing by several ms between runs.
 */
async function measureTogether<K extends string>(setups: Record<K, (i: number) => Promise<unknown>>, concurrency: number, calls = CALLS): Promise<Record<K, Stats>> {
  const names = Object.keys(setups) as K[];
  for (const name of names) for (let i = 0; i < Math.min(WARMUP, calls / 4); i++) await setups[name](i);
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  const wall = Object.fromEntries(names.map((n) => [n, 0])) as Record<K, number>;
  const rounds = Math.max(1, Math.min(ROUNDS, Math.floor(calls / (concurrency * 4))));
  let done = 0;
  for (let r = 0; r < rounds; r++) {
    const slice = Math.round((calls * (r + 1)) / rounds) - Math.round((calls * r) / rounds);
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length]!;
      let next = 0;
      const start = performance.now();
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < slice) {
          const i = done + next++;
          const t = performance.now();
          await setups[name](i);
          samples[name].push(performance.now() - t);
        }
      }));
      wall[name] += performance.now() - start;
    }
    done += slice;
  }
  return Object.fromEntries(names.map((n) => [n, stats(samples[n], wall[n])])) as Record<K, Stats>;
}

function stats(samples: number[], wallMs: number): Stats {
  samples.sort((a, b) => a - b);
  const q = (p: number) => Number(percentile(samples, p * 100).toFixed(3));
  return { p50Ms: q(0.5), p99Ms: q(0.99), meanMs: Number((samples.reduce((a, b) => a + b, 0) / samples.length).toFixed(3)), callsPerSec: Math.round((samples.length / wallMs) * 1000), calls: samples.length };
}

type Setup = Record<string, { direct: Stats; proxy: Stats; passthrough?: Stats }>;

/** An in-memory client of `server`. */
async function connected(server: { connect(t: InMemoryTransport): Promise<void> }): Promise<Client> {
  const [up, down] = InMemoryTransport.createLinkedPair();
  await server.connect(down);
  const client = new Client({ name: 'bench', version: '0' });
  await client.connect(up);
  return client;
}

async function inProcess(): Promise<Setup> {
  const [dUp, dDown] = InMemoryTransport.createLinkedPair();
  await createTestServer().connect(dDown);
  const direct = new Client({ name: 'bench', version: '0' });
  await direct.connect(dUp);
  const dir = tempDir('proxy-bench-');
  const keys = await makeKeys(dir);
  const [pUp, pDown] = InMemoryTransport.createLinkedPair();
  await createTestServer().connect(pDown);
  const proxy = await createProxy({ upstreams: [{ name: 'test', kind: 'transport', transport: pUp }], mode: 'local', dataDir: path.join(dir, 'data'), jwks: keys.jwksPath, governance: TEST_GOVERNANCE, approveAllOnFirstUse: true, toolsTtlMs: 60_000, ...auditSync });
  const [aUp, aDown] = InMemoryTransport.createLinkedPair();
  await serveAuthenticated(proxy.core, proxy.auth, await keys.token('bench', ['util.echo'], { ttlSeconds: 3600 }), aDown);
  const through = new Client({ name: 'bench', version: '0' });
  await through.connect(aUp);
  await through.listTools();
  const passthroughUpstream = await connected(createTestServer());
  const passthrough = await connected(passthroughServer(passthroughUpstream));
  const call = (c: Client) => (i: number) => c.callTool({ name: 'echo', arguments: { text: `call ${i}` } });
  const out: Setup = {};
  for (const conc of [1, 32]) out[`c${conc}`] = await measureTogether({ direct: call(direct), proxy: call(through), passthrough: call(passthrough) }, conc);
  await direct.close();
  await through.close();
  await passthrough.close();
  await passthroughUpstream.close();
  await proxy.close();
  return out;
}

async function overHttp(): Promise<Setup> {
  const ev = await spawnEverythingHttp();
  const dir = tempDir('proxy-bench-');
  const keys = await makeKeys(dir);
  const tool = { requiredCapability: 'everything.use', riskLevel: 'low' as const, sideEffect: 'read' as const, costUsd: 0, pathArgs: [], urlArgs: [], urlAllowlist: [] };
  const running = await startProxy({ upstreams: [{ name: 'everything', kind: 'http', url: ev.url }], mode: 'local', dataDir: path.join(dir, 'data'), jwks: keys.jwksPath, governance: { servers: { everything: { tools: { '*': tool } } }, budget: {} }, approveAllOnFirstUse: true, toolsTtlMs: 60_000, ...auditSync });
  const direct = await agent(ev.url, undefined);
  const through = await agent(running.http.url, await keys.token('bench', ['everything.use'], { ttlSeconds: 3600 }));
  await through.listTools();
  const passthroughEdge = await listenPassthrough(() => agent(ev.url, undefined));
  const passthrough = await agent(passthroughEdge.url, undefined);
  const call = (c: Client) => (i: number) => c.callTool({ name: 'echo', arguments: { message: `call ${i}` } });
  const out: Setup = {};
  try {
    for (const conc of [1, 32]) out[`c${conc}`] = await measureTogether({ direct: call(direct), proxy: call(through), passthrough: call(passthrough) }, conc);
  } finally {
    await direct.close();
    await through.close();
    await passthrough.close();
    await passthroughEdge.close();
    await running.close();
    await ev.stop();
  }
  return out;
}

async function durable(): Promise<Setup> {
  // why no rate limit: 32 concurrent calls of one agent make more API requests than its default limit allows
  const stack = await createStack({ backend: 'pglite', env: { LOG_LEVEL: 'error', API_RATE_LIMIT: 'off' } });
  await stack.start();
  const dir = tempDir('proxy-bench-');
  const out: Setup = {};
  try {
    await gqlOk(stack.url, ADMIN_TOKEN, 'mutation($i: RegisterToolInput!) { registerTool(input: $i) { name } }', {
      i: { name: 'echo', tenant: 'demo', argsSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }, requiredCapability: 'util.echo', riskLevel: 'LOW', sideEffect: 'READ' },
    });
    const reg = await gqlOk<{ registerAgent: { credential: { token: string } } }>(stack.url, ADMIN_TOKEN, 'mutation { registerAgent(input: { name: "bench", tenant: "demo", capabilities: ["util.echo"] }) { credential { token } } }');
    const [dUp, dDown] = InMemoryTransport.createLinkedPair();
    await createTestServer().connect(dDown);
    const direct = new Client({ name: 'bench', version: '0' });
    await direct.connect(dUp);
    const [pUp, pDown] = InMemoryTransport.createLinkedPair();
    await createTestServer().connect(pDown);
    const governance = { servers: { test: { tools: { echo: TEST_GOVERNANCE.servers.test!.tools.echo! } } }, budget: {} };
    const proxy = await createProxy({ upstreams: [{ name: 'test', kind: 'transport', transport: pUp }], mode: 'durable', api: stack.url, dataDir: path.join(dir, 'data'), jwks: stack.url.replace(/\/graphql$/, '/.well-known/jwks.json'), governance, approveAllOnFirstUse: true, toolsTtlMs: 60_000 });
    const [aUp, aDown] = InMemoryTransport.createLinkedPair();
    await serveAuthenticated(proxy.core, proxy.auth, reg.registerAgent.credential.token, aDown);
    const through = new Client({ name: 'bench', version: '0' });
    await through.connect(aUp);
    await through.listTools();
    const call = (c: Client) => async (i: number) => {
      const r = await c.callTool({ name: 'echo', arguments: { text: `call ${i}` } });
      if (r.isError) throw new Error(`the call was refused: ${JSON.stringify(r)}`);
    };
    for (const conc of [1, 32]) out[`c${conc}`] = await measureTogether({ direct: call(direct), proxy: call(through) }, conc, DURABLE_CALLS);
    await direct.close();
    await through.close();
    await proxy.close();
  } finally {
    await stack.dispose();
  }
  return out;
}

function added(r: Setup, by: 'proxy' | 'passthrough' = 'proxy') {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v[by]).map(([k, v]) => [k, { p50Ms: Number((v[by]!.p50Ms - v.direct.p50Ms).toFixed(3)), p99Ms: Number((v[by]!.p99Ms - v.direct.p99Ms).toFixed(3)) }]));
}

/** The setup's figures with what the proxy adds and, where measured, what a bare passthrough adds (the floor). */
function withAdded(r: Setup) {
  const floor = added(r, 'passthrough');
  return { ...r, added: added(r), ...(Object.keys(floor).length ? { passthroughAdded: floor } : {}) };
}

const loadBefore = os.loadavg().map((x) => Number(x.toFixed(1)));
if (only) {
  const partial: Record<string, unknown> = {};
  if (runs('inProcess')) partial.inProcess = await inProcess().then(withAdded);
  if (runs('http')) partial.http = await overHttp().then(withAdded);
  if (runs('durable')) partial.durable = await durable().then(withAdded);
  console.log(JSON.stringify({ auditSync: auditSync.auditSync ?? 'always', loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg().map((x) => Number(x.toFixed(1))), ...partial }, null, 2));
  process.exit(0);
}
const inProc = await inProcess();
const http = await overHttp();
const dur = await durable();
const addedInProc = added(inProc);
const addedHttp = added(http);
const addedDurable = added(dur);
const result = {
  benchmark: 'proxy',
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  auditSync: auditSync.auditSync ?? 'always',
  machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.release()}`, loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg().map((x) => Number(x.toFixed(1))) },
  targets: TARGETS,
  durable: withAdded(dur),
  inProcess: withAdded(inProc),
  http: withAdded(http),
  met: {
    inProcessC1: addedInProc.c1!.p50Ms <= TARGETS.addedP50Ms && addedInProc.c1!.p99Ms <= TARGETS.addedP99Ms,
    inProcessC32: addedInProc.c32!.p50Ms <= TARGETS.addedP50Ms && addedInProc.c32!.p99Ms <= TARGETS.addedP99Ms,
    httpC1: addedHttp.c1!.p50Ms <= TARGETS.addedP50Ms && addedHttp.c1!.p99Ms <= TARGETS.addedP99Ms,
    httpC32: addedHttp.c32!.p50Ms <= TARGETS.addedP50Ms && addedHttp.c32!.p99Ms <= TARGETS.addedP99Ms,
    durableC1: addedDurable.c1!.p50Ms <= TARGETS.durableAddedP50Ms,
    durableC32: addedDurable.c32!.p50Ms <= TARGETS.durableAddedP50Ms,
  },
};
mkdirSync(path.dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify({ inProcessAdded: addedInProc, httpAdded: addedHttp, durableAdded: addedDurable, met: result.met }, null, 2));
process.exit(0);
