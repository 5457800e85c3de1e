/**
 * @module RFC 8785 (JCS) canonical JSON and SHA-256 digests over it.
 *
 * The serialiser gives exactly what the `canonicalize` package (4.x) gives, which earlier versions
 * used (audit chains and evidence hashed then must verify now; a property test holds the two equal).
 * why our own: that package made a new Set for every object key it serialised, and these digests run
 * several times for every audit record, proxy call and plan.
 */
import { createHash } from 'node:crypto';

/** Serialise a JSON value canonically (sorted keys, ECMAScript number form). Undefined becomes null. */
export function canonicalJson(value: unknown): string {
  return serialise(value, new Set()) ?? 'null';
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 over the canonical JSON of a value: the digest used for arguments, plans and audit chains. */
export function digestJson(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

// With the `u` flag a surrogate pair is one code point, so this matches only a lone surrogate.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function serialiseString(s: string): string {
  if (LONE_SURROGATE.test(s)) throw new Error('Lone surrogate is not allowed');
  return JSON.stringify(s);
}

/** undefined for what JSON has no text for (undefined, a function, a symbol). */
function serialise(v: unknown, seen: Set<object>): string | undefined {
  switch (typeof v) {
    case 'string':
      return serialiseString(v);
    case 'number':
      if (Number.isNaN(v)) throw new Error('NaN is not allowed');
      if (!Number.isFinite(v)) throw new Error('Infinity is not allowed');
      return JSON.stringify(v);
    case 'object':
      break;
    default:
      // booleans; undefined, functions and symbols (no text); a bigint throws, as JSON.stringify does
      return JSON.stringify(v) as string | undefined;
  }
  if (v === null) return 'null';
  if (seen.has(v)) throw new Error('Circular reference detected');
  seen.add(v);
  let out: string | undefined;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    out = serialise((v as { toJSON: () => unknown }).toJSON(), seen);
  } else if (Array.isArray(v)) {
    out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      // why: a hole, or an element with no text (a function), leaves its slot empty, as the package's
      // map-then-join did (JSON values have neither)
      if (!(i in v)) continue;
      const item: unknown = v[i];
      out += item === undefined || typeof item === 'symbol' ? 'null' : serialise(item, seen) ?? '';
    }
    out += ']';
  } else {
    const o = v as Record<string, unknown>;
    out = '{';
    let first = true;
    for (const key of Object.keys(o).sort()) {
      const item = o[key];
      if (item === undefined || typeof item === 'symbol') continue;
      if (!first) out += ',';
      first = false;
      // why a template: a member with no text (a function) reads `"k":undefined`, as the package wrote it
      out += `${serialiseString(key)}:${serialise(item, seen)}`;
    }
    out += '}';
  }
  seen.delete(v);
  return out;
}
