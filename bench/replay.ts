/**
 * @module Replay benchmark (`npm run bench:replay [-- --quick]`): reconstruct + diff of two
 * 10,000-event histories, evidence export + verification of a 1,000-step task, and what-if over
 * 1,000 recorded tasks. Writes bench/results/replay.json with machine information and targets.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair } from 'jose';
import { assessStep } from '../governance/assess/index.js';
import { loadDefaultPolicyPack } from '../governance/policy/default-pack.js';
import { digestJson } from '../lib/canonical-json.js';
import { DEMO_TOOLS } from '../policies/demo-tools.js';
import { diffRecords } from '../replay/diff/index.js';
import { buildEvidenceBundle, evidenceBundleToJSON, verifyEvidenceBundle } from '../replay/evidence/index.js';
import { reconstruct } from '../replay/reconstruct/index.js';
import { policyDriftReport } from '../replay/what-if/index.js';
import { governedHistory, type StepSpec, type TaskSpec } from '../test/replay/scenarios.js';

const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'replay.json');
const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 7;
const TARGETS = { reconstructDiffMs: 200, exportVerifyMs: 1000, whatIfMs: 2000 };
// Each allowed step writes 30 events (assess, reserve, execute, settle, record: 3 activity + 3 workflow-task events each).
const EVENTS_PER_STEP = 30;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = (f: () => unknown): number => { const t = performance.now(); f(); return performance.now() - t; };
const timeAsync = async (f: () => Promise<unknown>): Promise<number> => { const t = performance.now(); await f(); return performance.now() - t; };

function steps(n: number, variant: number): StepSpec[] {
  return Array.from({ length: n }, (_, i) => ({ stepId: `s${i}`, tool: i % 2 ? 'write_file' : 'read_file', args: { path: `notes/${i}.txt`, content: `v${variant}-${i % 7}` }, dependsOn: i > 0 ? [`s${i - 1}`] : [], verdict: 'ALLOW' as const }));
}

function reconstructDiff(nSteps: number, planInCalls: TaskSpec['planInCalls']) {
  const a = governedHistory({ taskId: 'bench-a', steps: steps(nSteps, 1), planInCalls });
  const b = governedHistory({ taskId: 'bench-b', steps: steps(nSteps, 2), planInCalls });
  const ms = Array.from({ length: RUNS }, () => time(() => diffRecords(reconstruct(a), reconstruct(b))));
  return { events: a.events.length, steps: nSteps, planInCalls, historyBytes: JSON.stringify(a).length, medianMs: Math.round(median(ms) * 10) / 10 };
}

async function exportVerify(nSteps: number, planInCalls: TaskSpec['planInCalls']) {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
  const signer = { kid: 'bench', privateJwk: { ...(await exportJWK(privateKey)) } };
  const pub = { ...(await exportJWK(publicKey)), kid: 'bench' };
  const history = governedHistory({ taskId: 'bench-big', steps: steps(nSteps, 1), planInCalls });
  const input = { tenant: 'demo', tasks: [{ taskId: 'bench-big', history }], policySets: [{ version: 'pv-1', text: 'permit (principal, action, resource);' }], agentKeys: [{ kid: 'kid-1', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: pub.x }, credentialIds: [] }], generatedAt: new Date().toISOString() };
  const ms: number[] = [];
  let ok = false;
  for (let i = 0; i < Math.max(1, RUNS - 4); i++) {
    ms.push(await timeAsync(async () => {
      const json = evidenceBundleToJSON(await buildEvidenceBundle(input, signer));
      ok = (await verifyEvidenceBundle(json, pub)).ok;
    }));
  }
  return { steps: nSteps, events: history.events.length, planInCalls, verified: ok, medianMs: Math.round(median(ms)) };
}

function whatIfMany(nTasks: number) {
  const pack = loadDefaultPolicyPack();
  const tools = new Map(DEMO_TOOLS.map((t) => [t.name, t]));
  const records = Array.from({ length: nTasks }, (_, i) => reconstruct(governedHistory({
    taskId: `t${i}`, steps: steps(2, i),
    assessWith: (plan, stepId, identity, now) => {
      const step = plan.steps.find((s) => s.stepId === stepId)!;
      const tool = tools.get(step.tool)!;
      return { ...assessStep({ plan, stepId, tool, identity, now }, { policy: pack.policySet }), inputs: { toolDigest: digestJson(tool), args: step.args } };
    },
  })));
  const ms = Array.from({ length: Math.max(1, RUNS - 4) }, () => time(() => policyDriftReport(records, pack.policySet, tools)));
  return { tasks: nTasks, steps: nTasks * 2, medianMs: Math.round(median(ms)) };
}

async function main(): Promise<void> {
  const load = os.loadavg();
  const tenK = Math.round((quick ? 2_000 : 10_000) / EVENTS_PER_STEP);
  const rd = { full: reconstructDiff(tenK, 'full'), stepOnly: reconstructDiff(tenK, 'step-only') };
  const bigSteps = quick ? 200 : 1_000;
  const ev = { stepOnly: await exportVerify(bigSteps, 'step-only'), fullAt100Steps: await exportVerify(100, 'full') };
  const wi = whatIfMany(quick ? 200 : 1_000);
  const out = {
    benchmark: 'replay', date: new Date().toISOString(), mode: quick ? 'quick' : 'full',
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.release()}`, loadAverageBefore: load.map((x) => Math.round(x * 10) / 10), loadAverageAfter: os.loadavg().map((x) => Math.round(x * 10) / 10) },
    method: `median of ${RUNS} runs (export/verify and what-if: ${Math.max(1, RUNS - 4)}); histories generated by test/replay/scenarios.ts the way Temporal records the governed-task workflow. planInCalls=full is today's workflow (the whole plan in every assessStep and executeTool input, so history size grows with steps²); step-only passes one step, to show what passing the plan by reference would give`,
    targets: TARGETS,
    reconstructDiff: rd,
    exportVerify: ev,
    whatIf: wi,
    met: {
      reconstructDiff: rd.full.medianMs <= TARGETS.reconstructDiffMs,
      reconstructDiffStepOnly: rd.stepOnly.medianMs <= TARGETS.reconstructDiffMs,
      exportVerify1000StepsStepOnly: ev.stepOnly.verified && ev.stepOnly.medianMs <= TARGETS.exportVerifyMs,
      whatIf: wi.medianMs <= TARGETS.whatIfMs,
    },
  };
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out, null, 2));
}

await main();
