/**
 * @module Redaction before anything enters a bundle. History payloads are base64 inside JSON, where
 * string rules cannot see them: each payload is decoded, its value redacted, and re-encoded. The rest
 * of each part is redacted as JSON. Payloads that cannot be decoded are replaced whole.
 */
import type { RedactionOptions } from '../../governance/audit/index.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { decodePayload, encodingOf, jsonPayload } from '../history/payloads.js';
import { JsonRedactor, redactJson, type Opaque } from './fast-redact.js';

const UNDECODABLE = '[REDACTED:undecodable_payload]';

/** A payload object in JSON spelling (its encoding a base64 string). */
const isPayload = (v: object): boolean =>
  !Array.isArray(v) && typeof (v as { metadata?: { encoding?: unknown } }).metadata?.encoding === 'string';

/** A payload with its keys in canonical order (`data` before `metadata`). */
function canonicalPayload(value: unknown): Record<string, unknown> {
  const p = jsonPayload(value);
  return p.data === undefined ? { metadata: p.metadata } : { data: p.data, metadata: p.metadata };
}

/**
 * The payloads of a history as the redactor's placeholders: each payload (but `binary/null` ones,
 * which hold no value and are redacted as they stand) is decoded once when first met, and replaced
 * by its redacted value re-encoded. A decoded value is redacted as if it stood in a list of its own
 * (depth 1), as the values were redacted before redaction learnt to walk a history once.
 */
class HistoryPayloads implements Opaque {
  undecodable = 0;
  private readonly values = new Map<object, unknown>();
  constructor(private readonly redactor: JsonRedactor) {}

  is(v: object): boolean {
    if (this.values.has(v)) return true;
    if (!isPayload(v)) return false;
    const enc = encodingOf(v);
    if (enc === 'binary/null') return false;
    const d = enc === 'json/plain' ? decodePayload(v) : { ok: false as const };
    if (!d.ok) this.undecodable++;
    const value = d.ok ? d.value : UNDECODABLE;
    this.values.set(v, value);
    this.redactor.collect(value);
    return true;
  }

  replace(v: object): unknown {
    return canonicalPayload(this.redactor.rebuild(this.values.get(v), 1) ?? null);
  }
}

/**
 * Redacted history events (JSON spelling) and how many values were replaced. Objects are written
 * with their keys in canonical order, so the history part serialises canonically in one native call.
 */
export function redactHistoryEvents(events: readonly unknown[], opts: RedactionOptions = {}): { events: unknown[]; count: number } {
  const redactor = new JsonRedactor({ maxDepth: 64, ...opts });
  const payloads = new HistoryPayloads(redactor);
  redactor.collect(events, payloads);
  const out = redactor.rebuild(events, 0, payloads, true) as unknown[];
  return { events: out, count: redactor.count + payloads.undecodable };
}

/** Redact a JSON value; `changed` tells whether anything was replaced. */
export function redactValue<T>(v: T, opts: RedactionOptions = {}): { value: T; count: number; changed: boolean } {
  const r = redactJson(v, { maxDepth: 64, ...opts });
  return { value: r.value as T, count: r.count, changed: r.count > 0 && canonicalJson(r.value) !== canonicalJson(v) };
}
