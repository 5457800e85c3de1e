/**
 * @module Redaction applied to audit data before it is stored. Secrets are always replaced by
 * `[REDACTED:<kind>]`; PII is masked or hashed as configured. Deterministic (same input and
 * options, same output), idempotent (a second pass changes nothing), bounded in depth and safe on
 * cycles. The output is plain JSON: what a store or canonicalJson can take without surprises.
 */
import { z } from 'zod';
import { parseOrFail } from '../../lib/validation.js';
import { PII_KINDS, piiRules, type PiiKind, type PiiMode } from './pii.js';
import { SECRET_RULES, applyRule, isRedactionMarker, isSecretKey, marker, type StringRule } from './rules.js';
import type { RedactionEntry } from './schema.js';

export interface RedactionOptions {
  /** PII kinds to redact; defaults to email, phone and card. `[]` keeps PII (secrets are always redacted). */
  pii?: readonly PiiKind[];
  /** `mask` keeps a readable hint (`j***@example.com`); `hash` keeps a correlatable digest (`[email:sha256:1a2b3c4d]`). */
  piiMode?: PiiMode;
  /** HMAC key for `hash` mode, so that digests of low-entropy values cannot be brute-forced without it. */
  hashKey?: string;
  /** More property names whose values are secrets, in addition to SECRET_KEY_SUFFIXES. */
  secretKeys?: readonly string[];
  /** Deeper values are replaced by `[REDACTED:max_depth]` (default 32). */
  maxDepth?: number;
}

export interface RedactionResult {
  value: unknown;
  redactions: RedactionEntry[];
}

export const DEFAULT_PII_KINDS: readonly PiiKind[] = ['email', 'phone', 'card'];

const RedactionOptionsSchema = z.object({
  pii: z.array(z.enum(PII_KINDS)).optional(),
  piiMode: z.enum(['mask', 'hash']).optional(),
  hashKey: z.string().min(1).optional(),
  secretKeys: z.array(z.string().min(1)).optional(),
  maxDepth: z.number().int().min(1).max(256).optional(),
});

interface Walk {
  rules: StringRule[];
  cardRule: StringRule | undefined;
  secretKeys: readonly string[];
  maxDepth: number;
  out: RedactionEntry[];
  ancestors: Set<object>;
}

/** Redact secrets (always) and PII (as configured) anywhere in a JSON-like value. Throws BAD_USER_INPUT on invalid options. */
export function redact(value: unknown, opts: RedactionOptions = {}): RedactionResult {
  const o = parseOrFail(RedactionOptionsSchema, opts, 'redaction options');
  const pii = piiRules(o.pii ?? DEFAULT_PII_KINDS, { mode: o.piiMode ?? 'mask', ...(o.hashKey === undefined ? {} : { hashKey: o.hashKey }) });
  const w: Walk = {
    rules: [...SECRET_RULES, ...pii],
    cardRule: pii.find((r) => r.kind === 'card'),
    secretKeys: o.secretKeys ?? [],
    maxDepth: o.maxDepth ?? 32,
    out: [],
    ancestors: new Set(),
  };
  const out = walk(value, '$', 0, w);
  return { value: out === undefined ? null : out, redactions: w.out };
}

function redactString(text: string, path: string, w: Walk, rules: readonly StringRule[] = w.rules): string {
  let t = text;
  for (const rule of rules) t = applyRule(t, rule, (kind) => w.out.push({ path, kind }));
  return t;
}

// why: a card number can arrive as a JSON number; it becomes a marker string like any other match.
function redactNumber(n: number, path: string, w: Walk): unknown {
  if (!Number.isFinite(n)) return null;
  if (w.cardRule === undefined || !Number.isSafeInteger(n) || n <= 0) return n;
  const s = String(n);
  const r = redactString(s, path, w, [w.cardRule]);
  return r === s ? n : r;
}

function walk(v: unknown, path: string, depth: number, w: Walk): unknown {
  switch (typeof v) {
    case 'string': return redactString(v, path, w);
    case 'number': return redactNumber(v, path, w);
    case 'boolean': return v;
    case 'bigint': return redactString(v.toString(), path, w);
    case 'object': break;
    default: return undefined; // undefined, functions and symbols have no JSON form
  }
  if (v === null) return null;
  if (depth >= w.maxDepth) return report(w, path, 'max_depth');
  if (w.ancestors.has(v)) return report(w, path, 'cycle');
  w.ancestors.add(v);
  try {
    return walkObject(v, path, depth, w);
  } finally {
    w.ancestors.delete(v);
  }
}

function report(w: Walk, path: string, kind: string): string {
  w.out.push({ path, kind });
  return marker(kind);
}

function walkObject(v: object, path: string, depth: number, w: Walk): unknown {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return `[binary:${v.byteLength} bytes]`;
  if (Array.isArray(v) || v instanceof Set) {
    return [...v].map((item, i) => walk(item, `${path}[${i}]`, depth + 1, w) ?? null);
  }
  const entries: Array<[string, unknown]> = v instanceof Map
    ? [...v.entries()].map(([k, val]) => [String(k), val])
    : v instanceof Error ? [['name', v.name], ['message', v.message]] : Object.entries(v);
  const out: Record<string, unknown> = {};
  for (const [key, child] of entries) {
    // why: keys can carry secrets too (a map keyed by token); a redacted key is reported at its parent's path
    // so that the report never repeats the secret.
    const safeKey = freeKey(redactString(key, path, w), out);
    const childPath = `${path}.${safeKey}`;
    const value = isSecretKey(key, w.secretKeys) ? secretField(child, childPath, w) : walk(child, childPath, depth + 1, w);
    if (value === undefined) continue;
    // why: defineProperty keeps `__proto__` an ordinary own key instead of replacing the prototype.
    Object.defineProperty(out, safeKey, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A value under a secret-named key is replaced whole, unless it is empty, boolean or already redacted. */
function secretField(v: unknown, path: string, w: Walk): unknown {
  if (v === undefined || v === null || typeof v === 'boolean') return v;
  if (typeof v === 'string' && (v === '' || isRedactionMarker(v))) return v;
  if (typeof v === 'function' || typeof v === 'symbol') return undefined;
  return report(w, path, 'secret_field');
}

function freeKey(key: string, taken: Record<string, unknown>): string {
  if (!Object.hasOwn(taken, key)) return key;
  let i = 2;
  while (Object.hasOwn(taken, `${key}#${i}`)) i++;
  return `${key}#${i}`;
}
