import { describe, expect, it } from 'vitest';
import { createRateLimiter, parseRateLimit } from './rate-limit.js';

describe('rate limiter', () => {
  it('allows a burst, then one request per refill interval, and says how long to wait', () => {
    let t = 1_000_000;
    const limiter = createRateLimiter({ perSecond: 10, burst: 3 }, { now: () => t });
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 100 });
    t += 50;
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 50 });
    t += 50;
    expect(limiter.take('a')).toEqual({ ok: true });
    // other keys have buckets of their own
    expect(limiter.take('b')).toEqual({ ok: true });
    // a long pause refills up to the burst, never beyond
    t += 60_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a').ok)).toEqual([true, true, true, false]);
  });

  it('forgets the least recently seen key past maxKeys (it starts again with a full bucket)', () => {
    const t = 0;
    const limiter = createRateLimiter({ perSecond: 1, burst: 1 }, { now: () => t, maxKeys: 2 });
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('b').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    expect(limiter.take('c').ok).toBe(true); // b is forgotten, a was seen more recently
    expect(limiter.take('a').ok).toBe(false);
    expect(limiter.take('b').ok).toBe(true);
  });

  it('parses `N/s` and `off`, refusing anything else', () => {
    expect(parseRateLimit('100/s')).toEqual({ perSecond: 100, burst: 200 });
    expect(parseRateLimit('off')).toBeNull();
    for (const bad of ['0/s', '100', '1.5/s', '100/m', '']) expect(() => parseRateLimit(bad)).toThrow(RangeError);
    expect(() => createRateLimiter({ perSecond: 0, burst: 1 })).toThrow(RangeError);
  });
});
