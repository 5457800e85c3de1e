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

/** The string rules for one choice of PII settings, built once. */
interface RuleSet {
  rules: StringRule[];
  cardRule: StringRule | undefined;
  /**
   * Matches every text that at least one rule's hint matches (undefined when a rule has none).
   * why: most audited strings and keys match no rule; one scan rejects them instead of one per rule.
   */
  anyHint: RegExp | undefined;
}

interface Walk extends RuleSet {
  secretKeys: readonly string[];
  maxDepth: number;
  out: RedactionEntry[];
  ancestors: Set<object>;
}

/** Redact secrets (always) and PII (as configured) anywhere in a JSON-like value. Throws BAD_USER_INPUT on invalid options. */
export function redact(value: unknown, opts: RedactionOptions = NO_OPTIONS): RedactionResult {
  const o = opts === NO_OPTIONS ? opts : parseOrFail(RedactionOptionsSchema, opts, 'redaction options');
  const set = opts === NO_OPTIONS ? (defaultRuleSet ??= ruleSetFor(DEFAULT_PII_KINDS, 'mask', undefined)) : ruleSetFor(o.pii ?? DEFAULT_PII_KINDS, o.piiMode ?? 'mask', o.hashKey);
  const w: Walk = {
    rules: set.rules,
    cardRule: set.cardRule,
    anyHint: set.anyHint,
    secretKeys: o.secretKeys ?? [],
    maxDepth: o.maxDepth ?? 32,
    out: [],
    ancestors: new Set(),
  };
  const out = walk(value, '$', 0, w);
  return { value: out === undefined ? null : out, redactions: w.out };
}

const NO_OPTIONS: RedactionOptions = Object.freeze({});

const ruleSets = new Map<string, RuleSet>();
let defaultRuleSet: RuleSet | undefined;
const RULE_SETS_KEPT = 64;

function ruleSetFor(kinds: readonly PiiKind[], mode: PiiMode, hashKey: string | undefined): RuleSet {
  const key = JSON.stringify([kinds, mode, hashKey ?? null]);
  let set = ruleSets.get(key);
  if (!set) {
    const pii = piiRules(kinds, { mode, ...(hashKey === undefined ? {} : { hashKey }) });
    const rules = [...SECRET_RULES, ...pii];
    set = { rules, cardRule: pii.find((r) => r.kind === 'card'), anyHint: unionOfHints(rules) };
    if (ruleSets.size >= RULE_SETS_KEPT) ruleSets.clear();
    ruleSets.set(key, set);
  }
  return set;
}

function unionOfHints(rules: readonly StringRule[]): RegExp | undefined {
  // why only flagless hints: a union cannot keep one alternative's flags apart from another's
  if (rules.some((r) => !r.hint || r.hint.flags !== '')) return undefined;
  try {
    return new RegExp(rules.map((r) => `(?:${r.hint!.source})`).join('|'));
  } catch {
    // why: hints that cannot share one pattern (two with the same group name) are then run one by one
    return undefined;
  }
}

/** False when no rule of the walk's set can match the text (its hints' union rejects it). */
function mayMatch(text: string, w: Walk): boolean {
  return w.anyHint === undefined || w.anyHint.test(text);
}

function redactString(text: string, path: string, w: Walk, rules: readonly StringRule[] = w.rules): string {
  if (rules === w.rules && !mayMatch(text, w)) return text;
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
    const plain = !mayMatch(key, w);
    const safeKey = freeKey(plain ? key : redactString(key, path, w), out);
    const childPath = `${path}.${safeKey}`;
    const secretName = plain && w.secretKeys.length === 0 ? plainKeyIsSecretName(key) : isSecretKey(key, w.secretKeys);
    const value = secretName ? secretField(child, childPath, w) : walk(child, childPath, depth + 1, w);
    if (value === undefined) continue;
    // why defineProperty for `__proto__` and the other names Object.prototype holds: `__proto__` stays an
    // ordinary own key instead of replacing the prototype, and none fails on a frozen Object.prototype
    // (only there: defining every key so turns the object into a slow dictionary).
    if (safeKey in Object.prototype) Object.defineProperty(out, safeKey, { value, enumerable: true, writable: true, configurable: true });
    else out[safeKey] = value;
  }
  return out;
}

// why a cache: the same few property names (code, message, stepId…) come back in every record. Only
// keys no redaction rule could match are kept: such a key is stored in the audit record as it is anyway,
// so keeping it here holds nothing the log does not.
const secretNameVerdicts = new Map<string, boolean>();
const SECRET_NAME_VERDICTS_KEPT = 4096;

function plainKeyIsSecretName(key: string): boolean {
  let v = secretNameVerdicts.get(key);
  if (v === undefined) {
    v = isSecretKey(key);
    if (key.length <= 64) {
      if (secretNameVerdicts.size >= SECRET_NAME_VERDICTS_KEPT) secretNameVerdicts.clear();
      secretNameVerdicts.set(key, v);
    }
  }
  return v;
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
