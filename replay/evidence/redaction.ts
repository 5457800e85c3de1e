/**
 * @module Redaction before anything enters a bundle. History payloads are base64 inside JSON, where
 * string rules cannot see them: each payload is decoded, its value redacted, and re-encoded. The rest
 * of each part is redacted as JSON. Payloads that cannot be decoded are replaced whole.
 */
import { redact, type RedactionOptions } from '../../governance/audit/index.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { decodePayload, encodingOf, jsonPayload } from '../history/payloads.js';

const isPayload = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { metadata?: { encoding?: unknown } }).metadata?.encoding === 'string';

/** Swap every payload for a placeholder; collect the decoded values. */
function extract(v: unknown, values: unknown[], undecodable: { count: number }): unknown {
  if (Array.isArray(v)) return v.map((x) => extract(x, values, undecodable));
  if (v === null || typeof v !== 'object') return v;
  if (isPayload(v)) {
    const enc = encodingOf(v);
    if (enc === 'binary/null') return v;
    const d = enc === 'json/plain' ? decodePayload(v) : { ok: false as const };
    if (!d.ok) undecodable.count++;
    values.push(d.ok ? d.value : '[REDACTED:undecodable_payload]');
    return { __payload: values.length - 1 };
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = extract(x, values, undecodable);
  return out;
}

function restore(v: unknown, encoded: ReadonlyArray<Record<string, unknown>>): unknown {
  if (Array.isArray(v)) return v.map((x) => restore(x, encoded));
  if (v === null || typeof v !== 'object') return v;
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === '__payload' && typeof (v as { __payload: unknown }).__payload === 'number') return encoded[(v as { __payload: number }).__payload];
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = restore(x, encoded);
  return out;
}

/** Redacted history events (JSON spelling) and how many values were replaced. */
export function redactHistoryEvents(events: readonly unknown[], opts: RedactionOptions = {}): { events: unknown[]; count: number } {
  const values: unknown[] = [];
  const undecodable = { count: 0 };
  const skeleton = extract(events, values, undecodable);
  const s = redact(skeleton, { maxDepth: 64, ...opts });
  const p = redact(values, { maxDepth: 64, ...opts });
  const encoded = (p.value as unknown[]).map((x) => jsonPayload(x));
  return { events: restore(s.value, encoded) as unknown[], count: s.redactions.length + p.redactions.length + undecodable.count };
}

/** Redact a JSON value; `changed` tells whether anything was replaced. */
export function redactValue<T>(v: T, opts: RedactionOptions = {}): { value: T; count: number; changed: boolean } {
  const r = redact(v, { maxDepth: 64, ...opts });
  return { value: r.value as T, count: r.redactions.length, changed: r.redactions.length > 0 && canonicalJson(r.value) !== canonicalJson(v) };
}
