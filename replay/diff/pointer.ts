/** @module Structural differences between two JSON values as RFC 6901 JSON-pointer paths. */

export interface ValueChange {
  /** RFC 6901 pointer into the compared value (`""` is the whole value). */
  path: string;
  op: 'added' | 'removed' | 'changed';
  left?: unknown;
  right?: unknown;
}

/** RFC 6901: `~` is written `~0` and `/` is written `~1`. */
export function pointerToken(key: string): string {
  // why the test first: nearly every key has neither character, and the replacements allocate.
  if (!key.includes('~') && !key.includes('/')) return key;
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function walk(a: unknown, b: unknown, path: string, out: ValueChange[]): void {
  if (Object.is(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const p = `${path}/${i}`;
      if (i >= a.length) out.push({ path: p, op: 'added', right: b[i] });
      else if (i >= b.length) out.push({ path: p, op: 'removed', left: a[i] });
      else walk(a[i], b[i], p, out);
    }
    return;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const p = `${path}/${pointerToken(k)}`;
      const inA = Object.hasOwn(a, k) && a[k] !== undefined;
      const inB = Object.hasOwn(b, k) && b[k] !== undefined;
      if (inA && !inB) out.push({ path: p, op: 'removed', left: a[k] });
      else if (!inA && inB) out.push({ path: p, op: 'added', right: b[k] });
      else if (inA && inB) walk(a[k], b[k], p, out);
    }
    return;
  }
  out.push({ path, op: 'changed', left: a, right: b });
}

/** An own key whose value is not undefined: what jsonDiff counts as present. */
const has = (o: Record<string, unknown>, k: string): boolean => Object.hasOwn(o, k) && o[k] !== undefined;

/**
 * True exactly when jsonDiff(a, b) finds no difference, without building its paths. why: the diff
 * asks this of several parts of every step pair and only needs the answer.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of Object.keys(a)) {
      if (!has(a, k)) continue;
      if (!has(b, k) || !jsonEqual(a[k], b[k])) return false;
    }
    for (const k of Object.keys(b)) if (has(b, k) && !has(a, k)) return false;
    return true;
  }
  return false;
}

/** Every leaf-level difference from `left` to `right`, in a deterministic order. */
export function jsonDiff(left: unknown, right: unknown): ValueChange[] {
  const out: ValueChange[] = [];
  walk(left, right, '', out);
  return out;
}
