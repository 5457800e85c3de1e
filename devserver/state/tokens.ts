/**
 * @module Task tokens: opaque to workers, JSON inside. A token names the exact task instance
 * (scheduled id + started id or attempt), so a stale completion is recognised and refused.
 */
import { invalid } from '../errors.js';

export interface WftToken { k: 'w'; ns: string; wf: string; r: string; s: number; t: number; a: number }
export interface ActivityToken { k: 'a'; ns: string; wf: string; r: string; s: number; a: number }
export interface QueryToken { k: 'q'; id: string }
export type Token = WftToken | ActivityToken | QueryToken;

export function encodeToken(t: Token): string {
  return Buffer.from(JSON.stringify(t)).toString('base64');
}

export function decodeToken(b64: unknown): Token {
  if (typeof b64 !== 'string' || b64.length === 0) throw invalid('task token is missing');
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
  } catch {
    throw invalid('task token is malformed');
  }
  const t = v as Partial<Token> | null;
  if (!t || typeof t !== 'object' || (t.k !== 'w' && t.k !== 'a' && t.k !== 'q')) throw invalid('task token is malformed');
  return t as Token;
}

export function decodeWftToken(b64: unknown): WftToken {
  const t = decodeToken(b64);
  if (t.k !== 'w' || typeof t.r !== 'string' || typeof t.s !== 'number') throw invalid('task token is not a workflow task token');
  return t;
}

export function decodeActivityToken(b64: unknown): ActivityToken {
  const t = decodeToken(b64);
  if (t.k !== 'a' || typeof t.r !== 'string' || typeof t.s !== 'number') throw invalid('task token is not an activity task token');
  return t;
}

export function decodeQueryToken(b64: unknown): QueryToken {
  const t = decodeToken(b64);
  if (t.k !== 'q' || typeof t.id !== 'string') throw invalid('task token is not a query task token');
  return t;
}

/** History page tokens: next event id, and an optional last event id for poll-response pages. */
export function encodePageToken(next: number, last?: number): string {
  return Buffer.from(JSON.stringify(last === undefined ? { n: next } : { n: next, e: last })).toString('base64');
}

export function decodePageToken(b64: unknown): { n: number; e?: number } | undefined {
  if (typeof b64 !== 'string' || b64.length === 0) return undefined;
  try {
    const v = JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as { n?: unknown; e?: unknown };
    if (typeof v.n !== 'number' || v.n < 1) throw new Error('bad');
    return typeof v.e === 'number' ? { n: v.n, e: v.e } : { n: v.n };
  } catch {
    throw invalid('next page token is malformed');
  }
}
