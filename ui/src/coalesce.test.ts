import { describe, expect, it } from 'vitest';
import { coalesce, type Timers } from './coalesce.js';

/** A clock and timers the test advances by hand. */
function fakeTimers(): Timers & { advance(ms: number): void } {
  let t = 1_000;
  let nextId = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => t,
    setTimeout(fn, ms) {
      const id = nextId++;
      pending.set(id, { at: t + ms, fn });
      return id;
    },
    clearTimeout: (id) => void pending.delete(id),
    advance(ms) {
      t += ms;
      for (const [id, p] of [...pending].sort((a, b) => a[1].at - b[1].at)) {
        if (p.at <= t) {
          pending.delete(id);
          p.fn();
        }
      }
    },
  };
}

describe('coalesce', () => {
  it('delivers the first value at once and the latest of a burst at the end of the gap', () => {
    const timers = fakeTimers();
    const got: number[] = [];
    const c = coalesce<number>((v) => got.push(v), 250, timers);
    c.push(1);
    expect(got).toEqual([1]);
    c.push(2);
    c.push(3);
    timers.advance(100);
    c.push(4);
    expect(got).toEqual([1]);
    timers.advance(150);
    expect(got).toEqual([1, 4]);
    // a quiet gap later, the next value goes at once again
    timers.advance(1_000);
    c.push(5);
    expect(got).toEqual([1, 4, 5]);
  });

  it('bounds delivery to one every gap however fast values come', () => {
    const timers = fakeTimers();
    let delivered = 0;
    const c = coalesce<number>(() => delivered++, 250, timers);
    for (let i = 0; i < 1_000; i++) {
      c.push(i);
      timers.advance(1);
    }
    timers.advance(250);
    // 1 s of values, one every millisecond: at most one per 250 ms, plus the first
    expect(delivered).toBeLessThanOrEqual(5);
    expect(delivered).toBeGreaterThanOrEqual(4);
  });

  it('delivers nothing after cancel', () => {
    const timers = fakeTimers();
    const got: number[] = [];
    const c = coalesce<number>((v) => got.push(v), 250, timers);
    c.push(1);
    c.push(2);
    c.cancel();
    timers.advance(1_000);
    c.push(3);
    expect(got).toEqual([1]);
  });
});
