/** @module Size and shape limits on plans, checked before any other work so hostile input stays cheap. */
import { canonicalJson } from '../../lib/canonical-json.js';
import { childPath, failAt } from './issues.js';

export const PLAN_LIMITS = {
  maxSteps: 1000,
  /** Nesting depth of one step's `args` object: the object itself is depth 1. */
  maxArgsDepth: 32,
  /** Size of the payload as canonical JSON (RFC 8785), in UTF-8 bytes. */
  maxPayloadBytes: 1024 * 1024,
  /** Envelope depth allowed around args (choices[0].message.tool_calls[0].function…). */
  maxPayloadDepth: 48,
} as const;

const encoder = new TextEncoder();

export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Walk a value that did not come through JSON.parse (a caller may hand over any JS object): it must be
 * JSON data, bounded in depth, and small. Estimates size on the way so a huge array aborts early.
 */
export function assertJsonData(value: unknown): void {
  let budget = PLAN_LIMITS.maxPayloadBytes * 2;
  const walk = (v: unknown, path: string, depth: number): void => {
    const p = path === '' ? '(root)' : path;
    if (depth > PLAN_LIMITS.maxPayloadDepth) failAt(p, `nesting deeper than ${PLAN_LIMITS.maxPayloadDepth}`, { limit: 'maxPayloadDepth' });
    if (budget < 0) failAt(p, `payload larger than ${PLAN_LIMITS.maxPayloadBytes} bytes`, { limit: 'maxPayloadBytes' });
    if (v === null || typeof v === 'boolean') return void (budget -= 5);
    if (typeof v === 'string') return void (budget -= v.length + 2);
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) failAt(p, 'must be a finite number');
      return void (budget -= 8);
    }
    if (Array.isArray(v)) {
      budget -= 2;
      v.forEach((item, i) => walk(item, childPath(path, i), depth + 1));
      return;
    }
    if (typeof v === 'object' && isPlainObject(v)) {
      for (const [k, item] of Object.entries(v)) {
        if (k === '__proto__') failAt(childPath(path, k), 'key `__proto__` is not allowed');
        budget -= k.length + 4;
        walk(item, childPath(path, k), depth + 1);
      }
      return;
    }
    failAt(p, `must be JSON data, not ${typeof v === 'object' ? 'a class instance' : typeof v}`);
  };
  walk(value, '', 0);
}

/** The payload guard: at most maxPayloadBytes of canonical JSON. */
export function assertPayloadSize(value: unknown): void {
  assertJsonData(value);
  const bytes = utf8Length(canonicalJson(value));
  if (bytes > PLAN_LIMITS.maxPayloadBytes) {
    failAt('(root)', `payload is ${bytes} bytes of canonical JSON, more than the limit of ${PLAN_LIMITS.maxPayloadBytes}`, { limit: 'maxPayloadBytes', bytes });
  }
}

/** Depth of nested arrays and objects, the outermost counting 1; stops counting past `cap`. */
export function nestingDepth(value: unknown, cap: number): number {
  if (value === null || typeof value !== 'object') return 0;
  if (cap <= 0) return 1;
  let deepest = 0;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, nestingDepth(child, cap - 1));
    if (deepest >= cap) break;
  }
  return 1 + deepest;
}

export function assertStepCount(count: number, path: string): void {
  if (count > PLAN_LIMITS.maxSteps) failAt(path, `has ${count} steps, more than the limit of ${PLAN_LIMITS.maxSteps}`, { limit: 'maxSteps' });
}

export function assertArgsDepth(args: Record<string, unknown>, path: string): void {
  const depth = nestingDepth(args, PLAN_LIMITS.maxArgsDepth + 1);
  if (depth > PLAN_LIMITS.maxArgsDepth) failAt(path, `arguments nest deeper than ${PLAN_LIMITS.maxArgsDepth}`, { limit: 'maxArgsDepth' });
}
