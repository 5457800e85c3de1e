import { describe, expect, it } from 'vitest';
import { canonicalJson, digestJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys and normalises numbers as RFC 8785 asks', () => {
    expect(canonicalJson({ b: 1, a: [1e21, 0.1, -0], c: 'é' })).toBe('{"a":[1e+21,0.1,0],"b":1,"c":"é"}');
  });
  it('gives the same digest for objects that differ only in key order', () => {
    expect(digestJson({ x: 1, y: { b: 2, a: 1 } })).toBe(digestJson({ y: { a: 1, b: 2 }, x: 1 }));
    expect(digestJson({ x: 1 })).not.toBe(digestJson({ x: 2 }));
  });
});
