/** @module Ordering of trust levels. */
import { TRUST_LEVELS, type TrustLevel } from '../types.js';

const RANK = new Map<TrustLevel, number>(TRUST_LEVELS.map((t, i) => [t, i]));

/** Position in TRUST_LEVELS: 0 = trusted … 3 = untrusted. */
export function trustRank(t: TrustLevel): number {
  return RANK.get(t) ?? TRUST_LEVELS.length - 1;
}

/** The least trusted of the given levels; `trusted` for none. */
export function lowestTrust(levels: Iterable<TrustLevel>): TrustLevel {
  let worst: TrustLevel = 'trusted';
  for (const t of levels) if (trustRank(t) > trustRank(worst)) worst = t;
  return worst;
}

/** External and untrusted data taint whatever consumes it. */
export function isTainting(t: TrustLevel): boolean {
  return trustRank(t) >= trustRank('external');
}
