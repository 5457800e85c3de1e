/**
 * @module Payload decoding for histories in either spelling: proto objects from `fetchHistory()`
 * (bytes as Uint8Array) or history JSON (bytes as base64 strings). A payload decodes exactly as the
 * SDK's default payload converter decodes it (the worker's view). `json/plain` payloads, nearly every
 * payload of a governed task, take a direct path (base64 → UTF-8 → JSON.parse) that gives the same
 * value without the converter's byte copies and script-level UTF-8 decoder; anything else, and any
 * payload the direct path is unsure of, goes through the converter.
 */
import { defaultPayloadConverter } from '@temporalio/common';

export type Decoded = { ok: true; value: unknown } | { ok: false; message: string };

const JSON_PLAIN = 'json/plain';
const JSON_PLAIN_B64 = Buffer.from(JSON_PLAIN).toString('base64');
// why fatal: the converter's decoder and Buffer may replace invalid UTF-8 differently; such a payload
// takes the converter's path so that it decodes exactly as the worker saw it. ignoreBOM: the
// converter keeps a leading BOM (and JSON.parse then rejects it), so this decoder must keep it too.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes from a Uint8Array or a base64 string; undefined when neither. */
export function bytesOf(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return new Uint8Array(Buffer.from(v, 'base64'));
  return undefined;
}

/** The bytes of a Uint8Array or a base64 string as a Buffer view (no copy of Uint8Array bytes). */
export function bufferOf(v: unknown): Buffer | undefined {
  if (typeof v === 'string') return Buffer.from(v, 'base64');
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return undefined;
}

function toProtoPayload(p: Record<string, unknown>): { metadata: Record<string, Uint8Array>; data?: Uint8Array } {
  const metadata: Record<string, Uint8Array> = {};
  const raw = p.metadata;
  if (raw !== null && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw)) {
      const b = bytesOf(v);
      if (b) metadata[k] = b;
    }
  }
  const data = bytesOf(p.data);
  return data ? { metadata, data } : { metadata };
}

/** The encoding name of a metadata `encoding` value (bytes or base64), or undefined. */
export function encodingName(v: unknown): string | undefined {
  if (v === JSON_PLAIN_B64) return JSON_PLAIN;
  const b = bufferOf(v);
  return b ? b.toString('utf8') : undefined;
}

/** The encoding name of a payload (`json/plain`, `binary/null`, ...), or undefined. */
export function encodingOf(p: unknown): string | undefined {
  if (p === null || typeof p !== 'object') return undefined;
  return encodingName((p as { metadata?: Record<string, unknown> }).metadata?.encoding);
}

/** True when the payload's metadata names `json/plain` (in either spelling). */
function isJsonPlain(p: { metadata?: unknown }): boolean {
  const enc = (p.metadata as { encoding?: unknown } | null | undefined)?.encoding;
  if (enc === JSON_PLAIN_B64) return true;
  return enc instanceof Uint8Array && enc.byteLength === JSON_PLAIN.length && Buffer.from(enc.buffer, enc.byteOffset, enc.byteLength).toString('latin1') === JSON_PLAIN;
}

/** The JSON text of `json/plain` payload bytes when they are valid UTF-8; undefined sends the payload to the converter. */
function jsonTextOf(b: Buffer | undefined): string | undefined {
  if (!b) return undefined;
  try {
    return STRICT_UTF8.decode(b);
  } catch {
    return undefined;
  }
}

function viaConverter(p: Record<string, unknown>): Decoded {
  try {
    return { ok: true, value: defaultPayloadConverter.fromPayload(toProtoPayload(p)) };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/** Decode one payload; never throws. */
export function decodePayload(p: unknown): Decoded {
  if (p === null || typeof p !== 'object') return { ok: false, message: 'payload is not an object' };
  return decodePayloadData(p as Record<string, unknown>, bufferOf((p as { data?: unknown }).data));
}

/**
 * Decode one payload whose data bytes the caller has already read with `bufferOf(p.data)`, so that a
 * caller that also needs the bytes (the history digest) decodes base64 once; never throws. `parseJson`
 * reads the text of a `json/plain` payload; it must give what JSON.parse gives for what the caller reads.
 */
export function decodePayloadData(payload: Record<string, unknown>, data: Buffer | undefined, parseJson: (text: string) => unknown = JSON.parse): Decoded {
  if (!isJsonPlain(payload)) return viaConverter(payload);
  const text = jsonTextOf(data);
  if (text === undefined) return viaConverter(payload);
  try {
    return { ok: true, value: parseJson(text) };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/** The payloads list of a `Payloads` message (`{ payloads: [...] }`), or []. */
export function payloadList(v: unknown): unknown[] {
  const list = v !== null && typeof v === 'object' ? (v as { payloads?: unknown }).payloads : undefined;
  return Array.isArray(list) ? list : [];
}

/** Decode the first payload of a `Payloads` message. */
export function decodeFirst(v: unknown): Decoded {
  const list = payloadList(v);
  if (list.length === 0) return { ok: true, value: undefined };
  return decodePayload(list[0]);
}

/**
 * A JSON-spelled payload (base64 strings) holding `value`, as `historyToJSON` writes it. JSON values
 * are encoded directly (JSON.stringify → UTF-8 → base64), which is what the SDK's JSON converter does;
 * `undefined`, bytes and values JSON cannot hold go through the converter.
 */
export function jsonPayload(value: unknown): { metadata: { encoding: string }; data?: string } {
  if (value !== undefined && !(value instanceof Uint8Array)) {
    let json: string | undefined;
    try {
      json = JSON.stringify(value) as string | undefined;
    } catch {
      json = undefined;
    }
    if (json !== undefined) return { metadata: { encoding: JSON_PLAIN_B64 }, data: Buffer.from(json, 'utf8').toString('base64') };
  }
  const p = defaultPayloadConverter.toPayload(value);
  return {
    metadata: { encoding: Buffer.from(p.metadata!.encoding!).toString('base64') },
    ...(p.data ? { data: Buffer.from(p.data).toString('base64') } : {}),
  };
}
