/**
 * @module JsonRedactor: the same result as governance/audit's `redact` (value and redaction count),
 * much faster on large values. A history holds hundreds of thousands of strings, most of them repeated
 * (activity names, identities, reasons), and redact checks each one against every rule. Here a first
 * walk collects each distinct string and number, `redact` itself answers for all of them in a single
 * call, and a second walk rebuilds the value from those answers following redact's walk (secret-named
 * keys, key collisions, the depth bound, cycles, and its reading of dates, bytes, maps, sets and
 * errors). The equivalence is pinned by a property test against `redact`.
 */
import { isRedactionMarker, isSecretKey, redact, type RedactionOptions } from '../../governance/audit/index.js';

// why literal: the markers redact writes (governance/audit/rules.ts `marker`); the equivalence test
// against `redact` fails if they ever differ.
const marker = (kind: string): string => `[REDACTED:${kind}]`;
const DEFAULT_MAX_DEPTH = 32;

/**
 * Objects the caller handles itself (placeholders): `collect` does not read them, `rebuild` puts
 * `replace(v)` in their place. Like any object they count for the depth bound.
 */
export interface Opaque {
  is(v: object): boolean;
  replace(v: object): unknown;
}

const NOTHING_OPAQUE: Opaque = { is: () => false, replace: (v) => v };

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The entries redact walks for a non-array object (maps by String(key), errors by name and message). */
function entriesOf(v: object): Array<[string, unknown]> {
  if (isPlainObject(v)) return Object.entries(v);
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [String(k), x]);
  if (v instanceof Error) return [['name', v.name], ['message', v.message]];
  return Object.entries(v);
}

/** What redact writes for an object it does not walk into (dates, bytes), or undefined to walk it. */
function leafObject(v: object): { value: unknown } | undefined {
  if (isPlainObject(v) || Array.isArray(v)) return undefined;
  if (v instanceof Date) return { value: Number.isNaN(v.getTime()) ? null : v.toISOString() };
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return { value: `[binary:${v.byteLength} bytes]` };
  return undefined;
}

const isList = (v: object): v is unknown[] | Set<unknown> => Array.isArray(v) || v instanceof Set;

interface Answer<T> {
  value: T;
  count: number;
}

function freeKey(key: string, taken: Record<string, unknown>): string {
  if (!Object.hasOwn(taken, key)) return key;
  let i = 2;
  while (Object.hasOwn(taken, `${key}#${i}`)) i++;
  return `${key}#${i}`;
}

export class JsonRedactor {
  /** Redactions reported by `rebuild` so far (as many as redact's report would list). */
  count = 0;
  private readonly strings = new Map<string, Answer<string> | undefined>();
  private readonly numbers = new Map<number, Answer<unknown> | undefined>();
  private readonly secretKeys = new Map<string, boolean>();
  private readonly seen = new Set<object>();
  private readonly ancestors = new Set<object>();
  private readonly extraSecretKeys: readonly string[];
  private readonly maxDepth: number;
  private asked = false;

  constructor(private readonly opts: RedactionOptions = {}) {
    this.extraSecretKeys = opts.secretKeys ?? [];
    this.maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  /** First walk: note every string (values and keys) and number `rebuild(v)` will need. */
  collect(v: unknown, opaque: Opaque = NOTHING_OPAQUE): void {
    switch (typeof v) {
      case 'string': if (!this.strings.has(v)) this.strings.set(v, undefined); return;
      case 'number': if (Number.isSafeInteger(v) && v > 0) this.numbers.set(v, undefined); return;
      case 'bigint': this.strings.set(v.toString(), undefined); return;
      case 'object': break;
      default: return;
    }
    // why seen: a shared subtree is read once; a cycle is reported by the rebuild, as redact does.
    if (v === null || opaque.is(v) || this.seen.has(v) || leafObject(v)) return;
    this.seen.add(v);
    if (isList(v)) {
      for (const x of v) this.collect(x, opaque);
      return;
    }
    if (isPlainObject(v)) {
      // why for-in: no key array per object; an inherited key (a polluted prototype) only adds a
      // question nobody asks, never misses one.
      for (const k in v) {
        if (!this.strings.has(k)) this.strings.set(k, undefined);
        if (!this.isSecret(k)) this.collect((v as Record<string, unknown>)[k], opaque);
      }
      return;
    }
    for (const [k, x] of entriesOf(v)) {
      this.strings.set(k, undefined);
      if (!this.isSecret(k)) this.collect(x, opaque);
    }
  }

  /**
   * Ask `redact` once about every collected string and number, as the items of one array: an item is
   * redacted the same wherever it stands (its path only names it in the report), and an array has no
   * keys that secret-key rules could take for a secret. Throws BAD_USER_INPUT on invalid options.
   */
  private ask(): void {
    const s = [...this.strings.keys()];
    const n = [...this.numbers.keys()];
    const r = redact([...s, ...n], this.opts);
    const counts = new Map<string, number>();
    for (const e of r.redactions) counts.set(e.path, (counts.get(e.path) ?? 0) + 1);
    const out = r.value as unknown[];
    s.forEach((text, i) => this.strings.set(text, { value: out[i] as string, count: counts.get(`$[${i}]`) ?? 0 }));
    n.forEach((num, j) => this.numbers.set(num, { value: out[s.length + j], count: counts.get(`$[${s.length + j}]`) ?? 0 }));
    this.asked = true;
  }

  /**
   * Second walk: `v` (collected before) redacted as redact would redact it at `depth`. `sortKeys`
   * writes each object's keys in sorted order (collisions are still resolved in redact's order).
   */
  rebuild(v: unknown, depth = 0, opaque: Opaque = NOTHING_OPAQUE, sortKeys = false): unknown {
    if (!this.asked) this.ask();
    return this.value(v, depth, opaque, sortKeys);
  }

  private str(text: string): string {
    const a = this.strings.get(text)!;
    this.count += a.count;
    return a.value;
  }

  private num(n: number): unknown {
    if (!Number.isFinite(n)) return null;
    const a = this.numbers.get(n);
    if (!a) return n;
    this.count += a.count;
    return a.value;
  }

  /** True when redaction leaves `key` unchanged (and reports nothing for it). */
  private keyKept(key: string): boolean {
    const a = this.strings.get(key)!;
    return a.count === 0 && a.value === key;
  }

  private isSecret(key: string): boolean {
    let hit = this.secretKeys.get(key);
    if (hit === undefined) this.secretKeys.set(key, (hit = isSecretKey(key, this.extraSecretKeys)));
    return hit;
  }

  private report(kind: string): string {
    this.count++;
    return marker(kind);
  }

  /** A value under a secret-named key is replaced whole, unless it is empty, boolean or already redacted. */
  private secretField(v: unknown): unknown {
    if (v === undefined || v === null || typeof v === 'boolean') return v;
    if (typeof v === 'string' && (v === '' || isRedactionMarker(v))) return v;
    if (typeof v === 'function' || typeof v === 'symbol') return undefined;
    return this.report('secret_field');
  }

  private value(v: unknown, depth: number, opaque: Opaque, sortKeys: boolean): unknown {
    switch (typeof v) {
      case 'string': return this.str(v);
      case 'number': return this.num(v);
      case 'boolean': return v;
      case 'bigint': return this.str(v.toString());
      case 'object': break;
      default: return undefined;
    }
    if (v === null) return null;
    if (depth >= this.maxDepth) return this.report('max_depth');
    if (opaque.is(v)) return opaque.replace(v);
    if (this.ancestors.has(v)) return this.report('cycle');
    this.ancestors.add(v);
    try {
      return this.object(v, depth, opaque, sortKeys);
    } finally {
      this.ancestors.delete(v);
    }
  }

  private object(v: object, depth: number, opaque: Opaque, sortKeys: boolean): unknown {
    const leaf = leafObject(v);
    if (leaf) return leaf.value;
    if (Array.isArray(v)) {
      // why a plain loop: a hole reads as undefined and becomes null, as in redact's walk.
      const list = new Array<unknown>(v.length);
      for (let i = 0; i < v.length; i++) list[i] = this.value(v[i], depth + 1, opaque, sortKeys) ?? null;
      return list;
    }
    if (v instanceof Set) return Array.from(v, (x) => this.value(x, depth + 1, opaque, sortKeys) ?? null);
    if (!isPlainObject(v)) return this.entries(entriesOf(v), depth, opaque, sortKeys);
    // why keys and not entries: no pair array per property (a history has millions of them).
    const keys = Object.keys(v);
    // why: when redaction leaves every key as it is, no two keys can collide, so the order in which
    // they are handled changes nothing and the object can be written in sorted order at once.
    if (sortKeys && keys.every((k) => this.keyKept(k))) keys.sort();
    const out: Record<string, unknown> = {};
    let inOrder = true;
    let last = '';
    for (const key of keys) {
      const child = (v as Record<string, unknown>)[key];
      const safeKey = freeKey(this.str(key), out);
      const value = this.isSecret(key) ? this.secretField(child) : this.value(child, depth + 1, opaque, sortKeys);
      if (value === undefined) continue;
      setOwn(out, safeKey, value);
      if (safeKey < last) inOrder = false;
      last = safeKey;
    }
    return sortKeys && !inOrder ? sorted(out) : out;
  }

  private entries(list: Array<[string, unknown]>, depth: number, opaque: Opaque, sortKeys: boolean): unknown {
    const out: Record<string, unknown> = {};
    for (const [key, child] of list) {
      const safeKey = freeKey(this.str(key), out);
      const value = this.isSecret(key) ? this.secretField(child) : this.value(child, depth + 1, opaque, sortKeys);
      if (value !== undefined) setOwn(out, safeKey, value);
    }
    return sortKeys ? sorted(out) : out;
  }
}

// why defineProperty for `__proto__` only: it keeps that key an ordinary own key, as redact does;
// plain assignment is much faster for every other key.
function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

function sorted(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) setOwn(out, k, o[k]);
  return out;
}

/** `redact(value, opts)`'s redacted value and how many redactions it reports. Throws BAD_USER_INPUT on invalid options, as redact does. */
export function redactJson(value: unknown, opts: RedactionOptions = {}): { value: unknown; count: number } {
  const r = new JsonRedactor(opts);
  r.collect(value);
  const out = r.rebuild(value);
  return { value: out === undefined ? null : out, count: r.count };
}
