/**
 * @module A history as plain JSON (the spelling of Temporal's history files), for evidence bundles
 * and fixtures. Prefers the SDK's `historyToJSON`; falls back to a faithful conversion of our own when
 * the SDK's converter is unusable (it throws `type must be a Type` when two protobufjs copies are
 * installed, as npm may lay them out under @temporalio/common and @temporalio/proto).
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';
import proto from '@temporalio/proto';
import { toIso, toNumber } from './events.js';

const EVENT_TYPE_NAMES = proto.temporal.api.enums.v1.EventType as unknown as Record<number, string>;

export interface HistoryJson {
  events: Array<Record<string, unknown>>;
}

const isLong = (v: object): boolean => typeof (v as { toNumber?: unknown }).toNumber === 'function' && 'low' in v && 'high' in v;
const isSecondsNanos = (v: object): boolean => {
  const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined && (v as Record<string, unknown>)[k] !== null);
  return keys.length > 0 && keys.every((k) => k === 'seconds' || k === 'nanos');
};

function durationText(v: object): string {
  const s = toNumber((v as { seconds?: unknown }).seconds) ?? 0;
  const n = toNumber((v as { nanos?: unknown }).nanos) ?? 0;
  return `${s + n / 1e9}s`;
}

function plain(v: unknown, key: string): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (isLong(v)) return String(toNumber(v));
  if (isSecondsNanos(v)) return /Time$/.test(key) ? toIso(v) : durationText(v);
  if (Array.isArray(v)) return v.map((x) => plain(x, key) ?? null);
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) {
    const c = k === 'eventType' && typeof child === 'number' ? EVENT_TYPE_NAMES[child] : plain(child, k);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

/** The history as parsed history JSON; accepts a proto history or one already in JSON form. */
export function historyToPlainJson(history: temporal.api.history.v1.IHistory | HistoryJson): HistoryJson {
  try {
    return JSON.parse(historyToJSON(history as temporal.api.history.v1.IHistory)) as HistoryJson;
  } catch {
    // why: see the module comment; our conversion keeps every field, ids as strings, bytes as base64.
    return { events: ((history.events ?? []) as unknown[]).map((e) => plain(e, '') as Record<string, unknown>) };
  }
}
