/**
 * @module Payload decoding for histories in either spelling: proto objects from `fetchHistory()`
 * (bytes as Uint8Array) or history JSON (bytes as base64 strings). Decoding goes through the SDK's
 * default payload converter, so a payload decodes exactly as the worker saw it.
 */
import { defaultPayloadConverter } from '@temporalio/common';

export type Decoded = { ok: true; value: unknown } | { ok: false; message: string };

/** Bytes from a Uint8Array or a base64 string; undefined when neither. */
export function bytesOf(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return new Uint8Array(Buffer.from(v, 'base64'));
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

/** The encoding name of a payload (`json/plain`, `binary/null`, ...), or undefined. */
export function encodingOf(p: unknown): string | undefined {
  if (p === null || typeof p !== 'object') return undefined;
  const b = bytesOf((p as { metadata?: Record<string, unknown> }).metadata?.encoding);
  return b ? Buffer.from(b).toString('utf8') : undefined;
}

/** Decode one payload; never throws. */
export function decodePayload(p: unknown): Decoded {
  if (p === null || typeof p !== 'object') return { ok: false, message: 'payload is not an object' };
  try {
    return { ok: true, value: defaultPayloadConverter.fromPayload(toProtoPayload(p as Record<string, unknown>)) };
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

/** A JSON-spelled payload (base64 strings) holding `value`, as `historyToJSON` writes it. */
export function jsonPayload(value: unknown): { metadata: { encoding: string }; data?: string } {
  const p = defaultPayloadConverter.toPayload(value);
  return {
    metadata: { encoding: Buffer.from(p.metadata!.encoding!).toString('base64') },
    ...(p.data ? { data: Buffer.from(p.data).toString('base64') } : {}),
  };
}
