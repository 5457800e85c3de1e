/**
 * @module Hash chain over audit events. Each task (or, for events outside a task, each tenant
 * stream) has its own chain; `hash = sha256(canonicalJson({ prevHash, seq, event }))` where `seq`
 * is the 1-based position in that chain and `event` the redacted event body as stored.
 */
import { digestJson } from '../../lib/canonical-json.js';

/** The prevHash of the first event in a chain. */
export const GENESIS_HASH = '0'.repeat(64);

export function chainHash(prevHash: string, seq: number, event: unknown): string {
  return digestJson({ prevHash, seq, event });
}

export interface ChainedEvent {
  seq: number;
  prevHash: string;
  hash: string;
  event: unknown;
}

export type ChainBreak =
  | { code: 'SEQ_GAP'; index: number; expected: number; actual: number }
  | { code: 'PREV_HASH_MISMATCH'; index: number }
  | { code: 'HASH_MISMATCH'; index: number };

/** Verify a chain in order; returns the first break, or null when the chain is intact. */
export function verifyChain(events: readonly ChainedEvent[]): ChainBreak | null {
  let prev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.seq !== i + 1) return { code: 'SEQ_GAP', index: i, expected: i + 1, actual: e.seq };
    if (e.prevHash !== prev) return { code: 'PREV_HASH_MISMATCH', index: i };
    if (chainHash(e.prevHash, e.seq, e.event) !== e.hash) return { code: 'HASH_MISMATCH', index: i };
    prev = e.hash;
  }
  return null;
}
