/**
 * Tampering matrix: flip, drop, reorder and insert at every part of a bundle (and in its manifest and
 * signature), without re-signing: every change must be detected, and blamed on the part changed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { buildEvidenceBundle, evidenceBundleToJSON, verifyEvidenceBundle } from '../../replay/evidence/index.js';
import { SCENARIOS } from './scenarios.js';
import { agentKeys, keyPair, POLICIES, taskInput } from './evidence-fixtures.js';

type Json = Record<string, unknown>;
let bundleJson: string;
let pub: JWK;

beforeAll(async () => {
  const k = await keyPair('evidence-1');
  pub = k.publicJwk;
  const b = await buildEvidenceBundle({
    tenant: 'demo', scope: { kind: 'range', from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z' },
    tasks: [taskInput(SCENARIOS.approved!), taskInput(SCENARIOS.allowed!)], policySets: POLICIES, agentKeys: agentKeys(pub), generatedAt: '2026-11-21T08:00:00Z',
  }, k.signer);
  bundleJson = evidenceBundleToJSON(b);
});

/** Where in the bundle each part keeps a list to tamper with. */
const LISTS: Record<string, (b: Json) => unknown[]> = {
  'history events': (b) => ((b.parts as Json).history as Json[])[0]!.events as unknown[],
  'history tasks': (b) => (b.parts as Json).history as unknown[],
  'audit events': (b) => ((b.parts as Json).audit as Json[])[0]!.events as unknown[],
  'audit chains': (b) => (b.parts as Json).audit as unknown[],
  policies: (b) => (b.parts as Json).policies as unknown[],
  identities: (b) => (b.parts as Json).identities as unknown[],
  approvals: (b) => (b.parts as Json).approvals as unknown[],
  'replay timeline': (b) => (((b.parts as Json).replay as Json[])[0]!.record as Json).timeline as unknown[],
  'replay steps': (b) => (((b.parts as Json).replay as Json[])[1]!.record as Json).steps as unknown[],
  'controls mappings': (b) => ((b.parts as Json).controls as Json).mappings as unknown[],
  'manifest task ids': (b) => (b.manifest as Json).taskIds as unknown[],
};

function flip(v: unknown): unknown {
  if (typeof v === 'string') return v.length > 0 ? v.slice(0, -1) + (v.endsWith('x') ? 'y' : 'x') : 'x';
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'boolean') return !v;
  if (Array.isArray(v)) return v.length ? [flip(v[0]), ...v.slice(1)] : ['x'];
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    const k = keys.find((x) => typeof (v as Json)[x] === 'string') ?? keys[0]!;
    return { ...(v as Json), [k]: flip((v as Json)[k]) };
  }
  return 'x';
}

const OPS: Record<string, (list: unknown[]) => void> = {
  flip: (l) => { l[l.length - 1] = flip(l[l.length - 1]); },
  drop: (l) => { l.splice(0, 1); },
  reorder: (l) => { const [a, b] = [l[0], l[1]]; l[0] = b; l[1] = a; },
  insert: (l) => { l.splice(1, 0, structuredClone(l[0])); },
};

describe('tampering is always detected', () => {
  it('verifies the untouched bundle', async () => {
    expect((await verifyEvidenceBundle(bundleJson, pub)).ok).toBe(true);
  });

  for (const [where, listOf] of Object.entries(LISTS)) {
    for (const [op, apply] of Object.entries(OPS)) {
      it(`${op} in ${where}`, async () => {
        const b = JSON.parse(bundleJson) as Json;
        const list = listOf(b);
        expect(list.length).toBeGreaterThanOrEqual(2);
        const before = JSON.stringify(b);
        apply(list);
        expect(JSON.stringify(b)).not.toBe(before);
        const r = await verifyEvidenceBundle(JSON.stringify(b), pub);
        expect(r.ok).toBe(false);
        const part = where.split(' ')[0]!;
        expect(r.failures.some((f) => f.part === part || (part === 'manifest' && f.code === 'MANIFEST_MISMATCH'))).toBe(true);
      });
    }
  }

  it.each([
    ['flip the signature', (b: Json) => { const s = b.signature as string; b.signature = s.slice(0, -2) + (s.endsWith('AA') ? 'BB' : 'AA'); }, 'SIGNATURE_INVALID'],
    ['drop the signature', (b: Json) => { delete b.signature; }, 'MALFORMED'],
    ['flip a manifest digest', (b: Json) => { ((b.manifest as Json).parts as Json).audit = { sha256: '0'.repeat(64), bytes: 1 }; }, 'MANIFEST_MISMATCH'],
    ['drop a part', (b: Json) => { delete (b.parts as Json).identities; }, 'PART_MISSING'],
    ['insert a part', (b: Json) => { (b.parts as Json).extra = []; }, 'MALFORMED'],
    ['flip the generation time', (b: Json) => { (b.manifest as Json).generatedAt = '2030-01-01T00:00:00Z'; }, 'MANIFEST_MISMATCH'],
  ] as const)('%s', async (_n, mutate, code) => {
    const b = JSON.parse(bundleJson) as Json;
    mutate(b);
    const r = await verifyEvidenceBundle(JSON.stringify(b), pub);
    expect(r.ok).toBe(false);
    expect(r.failures.map((f) => f.code)).toContain(code);
  });
});
