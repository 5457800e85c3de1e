import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, chainHash, verifyChain, type ChainedEvent } from './chain.js';

function chainOf(events: unknown[]): ChainedEvent[] {
  const out: ChainedEvent[] = [];
  let prev = GENESIS_HASH;
  events.forEach((event, i) => {
    const hash = chainHash(prev, i + 1, event);
    out.push({ seq: i + 1, prevHash: prev, hash, event });
    prev = hash;
  });
  return out;
}

describe('verifyChain', () => {
  const chain = chainOf([{ type: 'task.submitted' }, { type: 'step.assessed', d: 'ALLOW' }, { type: 'task.completed' }]);

  it('accepts an intact chain and an empty one', () => {
    expect(verifyChain(chain)).toBeNull();
    expect(verifyChain([])).toBeNull();
  });

  it('finds an edited event', () => {
    const edited = chain.map((e, i) => (i === 1 ? { ...e, event: { type: 'step.assessed', d: 'DENY' } } : e));
    expect(verifyChain(edited)).toEqual({ code: 'HASH_MISMATCH', index: 1 });
  });

  it('finds a removed event', () => {
    expect(verifyChain([chain[0]!, chain[2]!])).toEqual({ code: 'SEQ_GAP', index: 1, expected: 2, actual: 3 });
  });

  it('finds an event whose hash was recomputed after an edit (the next link breaks)', () => {
    const forged = { ...chain[1]!, event: { type: 'x' } };
    forged.hash = chainHash(forged.prevHash, forged.seq, forged.event);
    expect(verifyChain([chain[0]!, forged, chain[2]!])).toEqual({ code: 'PREV_HASH_MISMATCH', index: 2 });
  });

  it('hashes canonically: key order does not matter', () => {
    expect(chainHash(GENESIS_HASH, 1, { a: 1, b: 2 })).toBe(chainHash(GENESIS_HASH, 1, { b: 2, a: 1 }));
  });
});
