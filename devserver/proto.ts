/**
 * @module Protobuf access through the reflection root shipped in @temporalio/proto: no codegen, the
 * same message definitions the SDK uses. Messages travel as plain objects (camelCase fields, enums
 * as names, longs as numbers, bytes as base64 strings) so they serialise to JSON for the store as-is.
 */
import { createRequire } from 'node:module';
import type { Type, Root, Service } from 'protobufjs';

const require = createRequire(import.meta.url);
export const root = require('@temporalio/proto/protos/root') as Root;

/** A decoded protobuf message as a plain object. */
export type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const CONVERSION = { longs: Number, enums: String, bytes: String, defaults: false } as const;

const typeCache = new Map<string, Type>();
export function lookupType(name: string): Type {
  let t = typeCache.get(name);
  if (!t) {
    t = root.lookupType(name);
    typeCache.set(name, t);
  }
  return t;
}

export function lookupService(name: string): Service {
  return root.lookupService(name);
}

export function encode(typeName: string, obj: Msg): Buffer {
  const t = lookupType(typeName);
  return Buffer.from(t.encode(t.fromObject(obj)).finish());
}

export function decode(typeName: string, buf: Uint8Array): Msg {
  const t = lookupType(typeName);
  return t.toObject(t.decode(buf), CONVERSION) as Msg;
}

export function packAny(typeName: string, obj: Msg): Msg {
  return { type_url: `type.googleapis.com/${typeName}`, value: encode(typeName, obj).toString('base64') };
}

export function unpackAny(any: Msg | undefined): { typeName: string; value: Msg } | undefined {
  const url = (any?.type_url ?? any?.typeUrl) as string | undefined;
  if (!url || typeof any?.value !== 'string') return undefined;
  const typeName = url.slice(url.lastIndexOf('/') + 1);
  return { typeName, value: decode(typeName, Buffer.from(any.value, 'base64')) };
}

// --- time ---------------------------------------------------------------------------------------

export function ts(ms: number): Msg {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

export function tsToMs(t: Msg | undefined | null): number | undefined {
  if (!t) return undefined;
  return Number(t.seconds ?? 0) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6);
}

export function dur(ms: number): Msg {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

/** Duration in ms; 0 when unset (Temporal's "no timeout"). */
export function durMs(d: Msg | undefined | null): number {
  if (!d) return 0;
  return Number(d.seconds ?? 0) * 1000 + Math.floor(Number(d.nanos ?? 0) / 1e6);
}

// --- payloads -----------------------------------------------------------------------------------

/** Decoded size of a base64 string. */
export function b64Size(s: unknown): number {
  if (typeof s !== 'string') return 0;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return Math.floor((s.length * 3) / 4) - pad;
}

export function payloadSize(p: Msg | undefined): number {
  if (!p) return 0;
  let n = b64Size(p.data);
  for (const v of Object.values((p.metadata ?? {}) as Record<string, unknown>)) n += b64Size(v);
  return n;
}

/** Walks any message and returns the largest single Payload it contains (by decoded size). */
export function largestPayload(obj: unknown, depth = 0): number {
  if (depth > 40 || obj === null || typeof obj !== 'object') return 0;
  if (Array.isArray(obj)) return obj.reduce((m: number, x) => Math.max(m, largestPayload(x, depth + 1)), 0);
  const o = obj as Msg;
  if (typeof o.data === 'string' && (o.metadata === undefined || typeof o.metadata === 'object') && Object.keys(o).every((k) => k === 'data' || k === 'metadata' || k === 'externalPayloads')) {
    return payloadSize(o);
  }
  let m = 0;
  for (const v of Object.values(o)) m = Math.max(m, largestPayload(v, depth + 1));
  return m;
}

export function jsonPayload(value: unknown): Msg {
  return {
    metadata: { encoding: Buffer.from('json/plain').toString('base64') },
    data: Buffer.from(JSON.stringify(value)).toString('base64'),
  };
}

// --- history events -----------------------------------------------------------------------------

/** `WorkflowTaskScheduled` -> `EVENT_TYPE_WORKFLOW_TASK_SCHEDULED`. */
export const eventTypeName = memo((short: string) => 'EVENT_TYPE_' + short.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase());

export const eventAttrKey = memo((short: string) => short[0]!.toLowerCase() + short.slice(1) + 'EventAttributes');

/** `COMMAND_TYPE_START_TIMER` -> `startTimerCommandAttributes`. */
export const commandAttrKey = memo((commandType: string) => {
  const words = commandType.replace(/^COMMAND_TYPE_/, '').toLowerCase().split('_');
  return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('') + 'CommandAttributes';
});

/** Caches a string -> string function; why: these run per event and per command on the hot path. */
function memo(fn: (s: string) => string): (s: string) => string {
  const cache = new Map<string, string>();
  return (s) => {
    let v = cache.get(s);
    if (v === undefined) {
      v = fn(s);
      // bounded: only a few dozen event and command types exist, but names come from requests
      if (cache.size < 512) cache.set(s, v);
    }
    return v;
  };
}

/** An event before it gets its id: short type name plus attributes. */
export interface PendingEvent {
  type: string;
  attrs: Msg;
}
