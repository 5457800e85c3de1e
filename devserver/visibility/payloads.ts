/**
 * @module Search attribute payloads on the wire. The TypeScript SDK sends typed attributes as
 * `json/plain` payloads with a `type` metadata entry (`Keyword`, `KeywordList`, ...) and legacy
 * (untyped) ones as JSON arrays without it; Datetime travels as an ISO string either way.
 */
import { z } from 'zod';
import { zodIssues } from '../../lib/validation.js';
import { parseSearchAttributeType } from './attributes.js';
import { VisibilityError, quote } from './errors.js';
import type { SearchAttributeRegistry } from './registry.js';
import type { Payload, SearchAttributeType } from './types.js';

const Bytes = z.instanceof(Uint8Array);
const PayloadSchema = z.object({
  metadata: z.record(z.string(), Bytes).nullish(),
  data: Bytes.nullish(),
}).nullish();
const IndexedSchema = z.record(z.string(), PayloadSchema);

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decode `SearchAttributes.indexed_fields` into plain values (null = unset). With a registry, a
 * `type` metadata entry that contradicts the registered type is rejected. Throws INVALID_ARGUMENT.
 */
export function decodeSearchAttributePayloads(indexed: Record<string, Payload>, registry?: SearchAttributeRegistry): Record<string, unknown> {
  const parsed = IndexedSchema.safeParse(indexed ?? {});
  if (!parsed.success) {
    const issue = zodIssues(parsed.error)[0];
    throw new VisibilityError('INVALID_ARGUMENT', `invalid search attributes: \`${issue?.path ?? '(root)'}\`: ${issue?.message ?? 'malformed'}`);
  }
  return Object.fromEntries(Object.entries(parsed.data).map(([name, p]) => [name, decodeOne(name, p ?? null, registry)]));
}

function decodeOne(name: string, payload: Payload | null, registry?: SearchAttributeRegistry): unknown {
  const metadata = payload?.metadata ?? {};
  const data = payload?.data;
  const encoding = metaText(name, metadata, 'encoding');
  if (encoding === 'binary/null' || ((data === undefined || data === null || data.length === 0) && encoding === undefined)) return null;
  if (encoding !== 'json/plain') {
    throw new VisibilityError('INVALID_ARGUMENT', `search attribute ${quote(name)} has encoding ${quote(encoding ?? '')}, expected \`json/plain\``);
  }
  const value = parseJson(name, data);
  const typeText = metaText(name, metadata, 'type');
  if (typeText === undefined) return value;
  const type = parseSearchAttributeType(typeText);
  const registered = registry?.typeOf(name);
  if (registered !== undefined && registered !== type) {
    throw new VisibilityError('INVALID_ARGUMENT', `search attribute ${quote(name)} is of type ${registered}, not ${type}`);
  }
  // why: a typed scalar sent by an older SDK arrives wrapped in a one-element array
  return type !== 'KeywordList' && Array.isArray(value) && value.length === 1 ? value[0] : value;
}

function metaText(name: string, metadata: Record<string, Uint8Array>, key: string): string | undefined {
  const bytes = Object.hasOwn(metadata, key) ? metadata[key] : undefined;
  if (bytes === undefined) return undefined;
  try {
    return decoder.decode(bytes);
  } catch {
    throw new VisibilityError('INVALID_ARGUMENT', `search attribute ${quote(name)} has metadata ${quote(key)} that is not UTF-8`);
  }
}

function parseJson(name: string, data: Uint8Array | null | undefined): unknown {
  try {
    return JSON.parse(decoder.decode(data ?? new Uint8Array()));
  } catch {
    throw new VisibilityError('INVALID_ARGUMENT', `search attribute ${quote(name)} is not valid JSON`);
  }
}

/**
 * Encode stored values for a response (Describe, List) the way Temporal does: `json/plain` with the
 * attribute's `type`. Unset values are left out; an attribute no longer registered goes without `type`.
 */
export function encodeSearchAttributeValues(values: Record<string, unknown>, registry: SearchAttributeRegistry): Record<string, Payload> {
  const out: Record<string, Payload> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    Object.defineProperty(out, name, { value: encodeOne(value, registry.typeOf(name)), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function encodeOne(value: unknown, type: SearchAttributeType | undefined): Payload {
  const json = JSON.stringify(value instanceof Date ? value.toISOString() : value);
  const metadata: Record<string, Uint8Array> = { encoding: Buffer.from('json/plain') };
  if (type !== undefined) metadata.type = Buffer.from(type);
  return { metadata, data: Buffer.from(json) };
}
