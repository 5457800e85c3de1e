/**
 * @module Token buckets per key (a credential's subject): each key may make `perSecond` requests a
 * second on average and `burst` at once. In memory, per process: a limit against runaway callers
 * (an agent stuck in a loop), not an accounting record (budgets are that). At most `maxKeys` keys
 * are remembered; the least recently seen is forgotten first (it starts again with a full bucket).
 */

export interface RateLimit {
  perSecond: number;
  burst: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export interface RateLimiter {
  take(key: string): RateDecision;
}

export function createRateLimiter(limit: RateLimit, opts: { maxKeys?: number; now?: () => number } = {}): RateLimiter {
  if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new RangeError('a rate limit needs perSecond > 0 and burst >= 1');
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? 10_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      const b = buckets.get(key) ?? { tokens: limit.burst, at: t };
      // why delete and set: Map keeps insertion order, so the first key is the least recently seen
      buckets.delete(key);
      b.tokens = Math.min(limit.burst, b.tokens + (Math.max(0, t - b.at) / 1000) * limit.perSecond);
      b.at = t;
      buckets.set(key, b);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterMs: Math.ceil(((1 - b.tokens) / limit.perSecond) * 1000) };
    },
  };
}

/** `API_RATE_LIMIT`'s form: `100/s` (a burst of twice that) or `off`. */
export function parseRateLimit(text: string): RateLimit | null {
  if (text === 'off') return null;
  const m = /^(\d+)\/s$/.exec(text);
  if (!m || Number(m[1]) < 1) throw new RangeError(`invalid rate limit \`${text}\`: use \`100/s\` or \`off\``);
  const perSecond = Number(m[1]);
  return { perSecond, burst: perSecond * 2 };
}
