/**
 * @module RFC 8785 canonical JSON of evidence parts, byte-identical to lib/canonical-json's
 * `canonicalJson`, at native speed. A bundle holds megabytes of history; canonicalising it value by
 * value in script is what made export and verification slow. Here the value is first put in canonical
 * key order (objects already in order, such as every part read back from a bundle file and the history
 * events redaction writes, are kept as they are; others are copied with sorted keys) and then
 * serialised by one native JSON.stringify. Values outside plain JSON (non-finite numbers, lone
 * surrogates, cycles, class instances, toJSON) and objects with array-index keys (which JavaScript
 * always lists first) take lib's path, so they give the same text or the same error.
 */
import { canonicalJson } from '../../lib/canonical-json.js';

/** Thrown inside the walk when a value needs lib's canonicaliser; never escapes this module. */
class NeedsReference extends Error {}

// why: far deeper than any history or record; a cycle (or absurd depth) is left to lib, which reports it.
const MAX_DEPTH = 256;
// why: JSON.stringify writes a lone surrogate as a `\udXXX` escape, which lib refuses; such text (or
// a string holding that escape literally, rare) is redone by lib to get its exact answer.
const SURROGATE_ESCAPE = /\\ud[89a-f][0-9a-f]{2}/i;
// why: integer-like keys are enumerated first, in numeric order, whatever the insertion order.
const INDEX_KEY = /^(?:0|[1-9]\d*)$/;

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

const skipped = (x: unknown): boolean => x === undefined || typeof x === 'symbol';

function checkLeaf(v: unknown): void {
  switch (typeof v) {
    case 'string': case 'boolean': return;
    case 'number': if (Number.isFinite(v)) return; throw new NeedsReference();
    default: throw new NeedsReference();
  }
}

/** `v` in canonical key order: `v` itself when it already is, else a copy. */
function ordered(v: unknown, depth: number): unknown {
  if (v === null) return v;
  if (typeof v !== 'object') {
    checkLeaf(v);
    return v;
  }
  if (depth > MAX_DEPTH) throw new NeedsReference();
  if (Array.isArray(v)) return orderedArray(v, depth);
  if (!isPlainObject(v) || typeof (v as { toJSON?: unknown }).toJSON === 'function') throw new NeedsReference();
  return orderedObject(v as Record<string, unknown>, depth);
}

function orderedArray(v: readonly unknown[], depth: number): unknown {
  let copy: unknown[] | undefined;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    // why: lib writes null for undefined and symbols in arrays, as JSON.stringify does; functions differ.
    if (typeof x === 'function') throw new NeedsReference();
    if (skipped(x)) continue;
    const o = ordered(x, depth + 1);
    if (o !== x) (copy ??= [...v])[i] = o;
  }
  return copy ?? v;
}

function orderedObject(v: Record<string, unknown>, depth: number): unknown {
  let inOrder = true;
  let changed: Map<string, unknown> | undefined;
  let last: string | undefined;
  // why for-in: no key array per object (a history part has about a million objects); an
  // inherited enumerable key (a polluted prototype) makes the object look out of order, so it is
  // copied from its own keys, never serialised with a key it does not own.
  for (const k in v) {
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57 && INDEX_KEY.test(k)) throw new NeedsReference();
    if (last !== undefined && !(last < k)) inOrder = false;
    last = k;
    if (!Object.hasOwn(v, k)) {
      inOrder = false;
      continue;
    }
    const x = v[k];
    if (typeof x === 'function') throw new NeedsReference();
    if (skipped(x)) continue;
    const o = ordered(x, depth + 1);
    if (o !== x) (changed ??= new Map()).set(k, o);
  }
  if (inOrder && !changed) return v;
  const out: Record<string, unknown> = {};
  // why default sort: it compares UTF-16 code units, which is RFC 8785's key order.
  for (const k of Object.keys(v).sort()) {
    const x = v[k];
    if (skipped(x)) continue;
    const value = changed?.has(k) ? changed.get(k) : x;
    // why defineProperty only for `__proto__`: it keeps that key an own key; assignment is much faster.
    if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
  }
  return out;
}

/** The RFC 8785 canonical JSON of `value`: the same text (or error) as lib's `canonicalJson`. */
export function fastCanonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(ordered(value, 0)) as string | undefined;
  } catch (e) {
    if (e instanceof NeedsReference) return canonicalJson(value);
    throw e;
  }
  if (text === undefined || SURROGATE_ESCAPE.test(text)) return canonicalJson(value);
  return text;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Structural comparison under canonical JSON's reading; throws NeedsReference where lib must decide. */
function same(a: unknown, b: unknown, depth: number): boolean {
  const [objectA, objectB] = [typeof a === 'object' && a !== null, typeof b === 'object' && b !== null];
  if (!objectA || !objectB) {
    if (!objectA && a !== null) checkLeaf(a);
    if (!objectB && b !== null) checkLeaf(b);
    if (typeof a === 'string' && SURROGATE.test(a)) throw new NeedsReference();
    // why no deeper look at the object side: an object never equals a leaf (or null).
    return a === b;
  }
  if (depth > MAX_DEPTH) throw new NeedsReference();
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const [x, y] = [a[i], b[i]];
      if (typeof x === 'function' || typeof y === 'function') throw new NeedsReference();
      if (!same(skipped(x) ? null : x, skipped(y) ? null : y, depth + 1)) return false;
    }
    return true;
  }
  for (const o of [a, b] as object[]) if (!isPlainObject(o) || typeof (o as { toJSON?: unknown }).toJSON === 'function') throw new NeedsReference();
  const [ra, rb] = [a as Record<string, unknown>, b as Record<string, unknown>];
  let n = 0;
  for (const k of Object.keys(ra)) {
    const x = ra[k];
    if (typeof x === 'function') throw new NeedsReference();
    if (skipped(x)) continue;
    n++;
    const y = Object.hasOwn(rb, k) ? rb[k] : undefined;
    if (typeof y === 'function') throw new NeedsReference();
    if (skipped(y) || !same(x, y, depth + 1)) return false;
  }
  let m = 0;
  for (const k of Object.keys(rb)) {
    const y = rb[k];
    if (typeof y === 'function') throw new NeedsReference();
    if (!skipped(y)) m++;
  }
  return n === m;
}

/**
 * fastCanonicalJson(a) === fastCanonicalJson(b), decided by walking both values once without writing
 * either: what the verifier asks of a replay record it rebuilds (megabytes, compared once).
 */
export function sameCanonicalJson(a: unknown, b: unknown): boolean {
  try {
    return same(a, b, 0);
  } catch (e) {
    if (e instanceof NeedsReference) return fastCanonicalJson(a) === fastCanonicalJson(b);
    throw e;
  }
}
