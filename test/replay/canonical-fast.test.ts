/** fastCanonicalJson and sameCanonicalJson must agree with lib's canonicalJson on every input. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../lib/canonical-json.js';
import { fastCanonicalJson, sameCanonicalJson } from '../../replay/evidence/canonical.js';
import { governedHistory, SCENARIOS } from './scenarios.js';
import { reconstruct } from '../../replay/reconstruct/index.js';

/** The outcome of a canonicaliser: its text, or the message it throws. */
function outcome(f: (v: unknown) => string, v: unknown): { text: string } | { error: string } {
  try {
    return { text: f(v) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

// Keys that stress the ordering: array-index-like keys (listed first by JavaScript), prefixes,
// non-ASCII and astral characters (UTF-16 order differs from code point order), `__proto__`.
const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('0', '1', '10', '9', '01', '-1', '4294967295', 'a', 'aa', 'B', 'é', '\u{1F600}', '\uFFFF', '__proto__', ''));
const leaf = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constantFrom('\uD800', 'a\uDC00b', '\u2028', '"\\'));
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 5 })),
})).node;

describe('fastCanonicalJson', () => {
  it('gives the text lib gives, or the same error, for any value', () => {
    fc.assert(fc.property(tree, (v) => {
      expect(outcome(fastCanonicalJson, v)).toEqual(outcome(canonicalJson, v));
    }), { numRuns: 2000 });
  });

  it('agrees on JSON values read back from text', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const parsed = JSON.parse(JSON.stringify(v)) as unknown;
      expect(fastCanonicalJson(parsed)).toBe(canonicalJson(parsed));
    }), { numRuns: 1000 });
  });

  it('agrees on values outside plain JSON: dates, class instances, toJSON, functions, cycles, depth', () => {
    class Point {
      constructor(readonly y: number, readonly x: number) {}
    }
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    let deep: unknown = 'leaf';
    for (let i = 0; i < 400; i++) deep = { d: deep };
    const values = [new Date(0), new Point(1, 2), { toJSON: () => ({ b: 1, a: 2 }) }, { f: () => 1 }, [() => 1], cyclic, deep, Symbol('s'), 10n, { z: [NaN] }, { z: Infinity }, [undefined, Symbol('x')]];
    for (const v of values) expect(outcome(fastCanonicalJson, v)).toEqual(outcome(canonicalJson, v));
  });

  it('gives lib\'s text for a whole replay record and history', () => {
    const h = governedHistory(SCENARIOS.approved!);
    const r = reconstruct(h);
    expect(fastCanonicalJson(r)).toBe(canonicalJson(r));
    expect(fastCanonicalJson(h)).toBe(canonicalJson(h));
  });
});

describe('sameCanonicalJson', () => {
  it('is true exactly when the canonical texts are equal', () => {
    const pair = tree.chain((a) => fc.oneof(fc.constant(structuredCloneSafe(a)), tree).map((b) => [a, b] as const));
    fc.assert(fc.property(pair, ([a, b]) => {
      const [ta, tb] = [outcome(canonicalJson, a), outcome(canonicalJson, b)];
      if ('error' in ta || 'error' in tb) return;
      expect(sameCanonicalJson(a, b)).toBe(ta.text === tb.text);
    }), { numRuns: 2000 });
  });

  it('ignores key order and undefined members, as canonical JSON does', () => {
    expect(sameCanonicalJson({ a: 1, b: [1, undefined], c: undefined }, { b: [1, null], a: 1 })).toBe(true);
    expect(sameCanonicalJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameCanonicalJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameCanonicalJson({ a: 0 }, { a: -0 })).toBe(true);
    expect(sameCanonicalJson({ a: {} }, { a: [] })).toBe(false);
  });
});

/** A deep copy that keeps undefined members (structuredClone keeps them too; this keeps symbols out). */
function structuredCloneSafe(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(structuredCloneSafe);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).reverse()) Object.defineProperty(out, k, { value: structuredCloneSafe((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  return out;
}
