import { describe, expect, it } from 'vitest';
import { boundedMemo } from './memo.js';

describe('boundedMemo', () => {
  it('computes each key once while under the limit, and starts afresh at the limit', () => {
    const calls: string[] = [];
    const memo = boundedMemo((k) => {
      calls.push(k);
      return k.length;
    }, 2);
    expect([memo('a'), memo('bb'), memo('a'), memo('bb')]).toEqual([1, 2, 1, 2]);
    expect(calls).toEqual(['a', 'bb']);
    expect(memo('ccc')).toBe(3);
    expect(memo('a')).toBe(1);
    expect(calls).toEqual(['a', 'bb', 'ccc', 'a']);
  });

  it('remembers undefined results too', () => {
    let n = 0;
    const memo = boundedMemo(() => {
      n++;
      return undefined;
    }, 10);
    memo('x');
    memo('x');
    expect(n).toBe(1);
  });
});
