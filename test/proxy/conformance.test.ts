/**
 * Transparency: every conformance scenario that passes against server-everything directly must
 * pass through the proxy too. Counts are written to test/proxy/conformance-results.json.
 * The whole run takes about 30 s (two suites of ~12 s), so it stays in the ordinary test run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { ProxyGovernance } from '../../proxy/config.js';
import { bearerShim, runConformance, type ScenarioResult } from './conformance.js';
import { makeKeys, ROOT, spawnEverythingHttp, startProxy, tempDir } from './helpers.js';

const everyTool = { requiredCapability: 'everything.use', riskLevel: 'low' as const, sideEffect: 'read' as const, costUsd: 0, pathArgs: [], urlArgs: [], urlAllowlist: [] };
const GOVERNANCE: ProxyGovernance = { servers: { everything: { tools: { '*': everyTool } } }, budget: {} };
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const total = (r: Record<string, ScenarioResult>) => Object.values(r).reduce((a, s) => ({ passed: a.passed + s.passed, failed: a.failed + s.failed }), { passed: 0, failed: 0 });
const fullyPassing = (r: Record<string, ScenarioResult>) => Object.entries(r).filter(([, s]) => s.failed === 0 && s.passed > 0).map(([n]) => n).sort();

it('passes through the proxy every conformance scenario that passes directly', async () => {
  const dir = tempDir('proxy-conformance-');
  const direct = await spawnEverythingHttp();
  cleanups.push(() => direct.stop());
  const behind = await spawnEverythingHttp();
  cleanups.push(() => behind.stop());
  const keys = await makeKeys(dir);
  const running = await startProxy({
    upstreams: [{ name: 'everything', kind: 'http', url: behind.url }],
    mode: 'local',
    dataDir: join(dir, 'data'),
    jwks: keys.jwksPath,
    governance: GOVERNANCE,
    policyFile: join(ROOT, 'test/proxy/fixtures/allow-everything.cedar'),
    approveAllOnFirstUse: true,
    timeoutMs: 10_000,
  });
  cleanups.push(() => running.close());
  const shim = await bearerShim(running.http.url, await keys.token('conformance', ['everything.use'], { ttlSeconds: 3600 }));
  cleanups.push(() => shim.close());

  const directResults = await runConformance(direct.url, join(dir, 'direct'));
  const proxyResults = await runConformance(shim.url, join(dir, 'proxy'));
  const summary = {
    conformanceVersion: '0.1.13',
    upstream: 'server-everything (streamableHttp)',
    direct: { ...total(directResults), scenariosFullyPassing: fullyPassing(directResults) },
    proxy: { ...total(proxyResults), scenariosFullyPassing: fullyPassing(proxyResults) },
    scenarios: Object.fromEntries(Object.keys(directResults).sort().map((n) => [n, { direct: directResults[n], proxy: proxyResults[n] ?? null }])),
  };
  writeFileSync(join(ROOT, 'test/proxy/conformance-results.json'), `${JSON.stringify(summary, null, 2)}\n`);
  expect(Object.keys(directResults).length).toBeGreaterThan(20);
  expect(summary.proxy.scenariosFullyPassing).toEqual(expect.arrayContaining(summary.direct.scenariosFullyPassing));
  expect(summary.proxy.passed).toBeGreaterThanOrEqual(summary.direct.passed);
}, 120_000);
