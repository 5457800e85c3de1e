/**
 * @module Step alignment between two records: first by tool + canonical-argument digest (the i-th
 * occurrence on the left pairs with the i-th on the right), then the rest by position. Both passes
 * are symmetric, so aligning (b, a) gives the mirror of aligning (a, b).
 */
import type { StepRecord } from '../reconstruct/types.js';

export interface Pair {
  left: number;
  right: number;
  by: 'tool+args' | 'position';
}

export interface Alignment {
  pairs: Pair[];
  added: number[];
  removed: number[];
}

const keyOf = (s: StepRecord): string => `${s.tool}\u0000${s.argsDigest}`;

export function alignSteps(left: readonly StepRecord[], right: readonly StepRecord[]): Alignment {
  const queues = new Map<string, number[]>();
  right.forEach((s, i) => {
    const q = queues.get(keyOf(s));
    if (q) q.push(i);
    else queues.set(keyOf(s), [i]);
  });
  const pairs: Pair[] = [];
  const leftRest: number[] = [];
  const usedRight = new Set<number>();
  left.forEach((s, i) => {
    const j = queues.get(keyOf(s))?.shift();
    if (j === undefined) return void leftRest.push(i);
    pairs.push({ left: i, right: j, by: 'tool+args' });
    usedRight.add(j);
  });
  const rightRest = right.map((_, j) => j).filter((j) => !usedRight.has(j));
  const n = Math.min(leftRest.length, rightRest.length);
  for (let k = 0; k < n; k++) pairs.push({ left: leftRest[k]!, right: rightRest[k]!, by: 'position' });
  pairs.sort((a, b) => a.left - b.left);
  return { pairs, removed: leftRest.slice(n), added: rightRest.slice(n) };
}
