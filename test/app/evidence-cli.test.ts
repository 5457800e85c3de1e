/** `interceptor evidence verify` as a process: exit 0 for an intact bundle, 1 naming the part on tampering, 2 on misuse. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvidenceBundle, evidenceBundleToJSON } from '../../replay/evidence/index.js';
import { agentKeys, keyPair, POLICIES, taskInput } from '../replay/evidence-fixtures.js';
import { SCENARIOS } from '../replay/scenarios.js';

const BIN = fileURLToPath(new URL('../../bin/interceptor', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'evidence', ...args], { encoding: 'utf8' });

describe('interceptor evidence verify', () => {
  let dir: string;
  let bundle: string;
  let keyFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evidence-cli-'));
    const { signer, publicJwk } = await keyPair('evidence-1');
    const b = await buildEvidenceBundle({ tenant: 'demo', tasks: [taskInput(SCENARIOS.approved!)], policySets: POLICIES, agentKeys: agentKeys(publicJwk), generatedAt: '2026-11-21T08:00:00Z' }, signer);
    bundle = evidenceBundleToJSON(b);
    keyFile = join(dir, 'key.json');
    await writeFile(keyFile, JSON.stringify(publicJwk));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts an intact bundle', async () => {
    const file = join(dir, 'ok.json');
    await writeFile(file, bundle);
    const r = run('verify', file, '--key', keyFile);
    expect(r.stdout).toContain('ok:');
    expect(r.status).toBe(0);
  });

  it('exits 1 and names the failing part when an approval is altered', async () => {
    const file = join(dir, 'tampered.json');
    const tampered = JSON.parse(bundle) as { parts: { approvals: unknown } };
    tampered.parts.approvals = JSON.parse(JSON.stringify(tampered.parts.approvals).replace(/APPROVED/, 'DENIED'));
    await writeFile(file, JSON.stringify(tampered));
    const r = run('verify', file, '--key', keyFile);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL approvals/m);
  });

  it('exits 2 with usage when the key is missing', () => {
    const r = run('verify', join(dir, 'ok.json'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage:');
  });
});
