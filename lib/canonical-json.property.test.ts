import fc from 'fast-check';
import canonicalizeImpl from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

// The package earlier versions hashed with: every digest they stored must come out the same.
const reference = canonicalizeImpl as unknown as (v: unknown) => string | undefined;

function outcome(f: () => string | undefined): { text?: string | undefined; error?: string } {
  try {
    return { text: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const unicode = fc.string({ unit: 'binary', maxLength: 12 });
const loneSurrogates = fc.constantFrom('\uD800', 'a\uDC00b', '\uD83D\uDE00', '\uDBFF\uDFFF\uD800', 'é\u2028\u0000"\\');
const key = fc.oneof(fc.string({ maxLength: 6 }), unicode, loneSurrogates, fc.constantFrom('__proto__', 'toJSON', 'constructor', '10', '2', 'b', 'B', 'é'));
const leaf = fc.oneof(
  fc.double(), fc.integer(), fc.constantFrom(0, -0, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, NaN, Infinity), fc.boolean(), fc.constant(null),
  fc.constant(undefined), unicode, loneSurrogates, fc.string(), fc.date({ noInvalidDate: true }), fc.constant(Symbol('s')), fc.constant(() => 1),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 5 }), fc.sparseArray(tie('node'), { maxLength: 5 }), fc.dictionary(key, tie('node'), { maxKeys: 5 })),
})).node;

describe('canonicalJson: the same text as the canonicalize package', () => {
  it('on arbitrary values, including what JSON cannot say (and throws where it threw)', () => {
    fc.assert(fc.property(value, (v) => {
      expect(outcome(() => canonicalJson(v))).toEqual(outcome(() => reference(v) ?? 'null'));
    }), { numRuns: 3000 });
  });

  it('on JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(canonicalJson(v)).toBe(reference(v));
    }), { numRuns: 3000 });
  });

  it('on cycles, shared objects, toJSON and boxed values', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const shared = { x: 1 };
    const cases: unknown[] = [cyclic, { a: shared, b: shared }, [shared, shared], { t: { toJSON: () => ({ z: 1, a: [2] }) } }, new String('ab'), Object.create(null), new Map([['k', 1]]), [1n]];
    for (const c of cases) expect(outcome(() => canonicalJson(c))).toEqual(outcome(() => reference(c) ?? 'null'));
  });
});
