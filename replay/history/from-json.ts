/**
 * @module History JSON (the spelling of history files) to the proto object the SDK replays. The SDK's
 * own `historyFromJSON` is preferred; this conversion is the fallback for installs where it throws
 * (two protobufjs copies, see to-json.ts). Timestamps and durations become { seconds, nanos }.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';

type ProtoHistory = proto.temporal.api.history.v1.IHistory;

const DURATION = /^(-?\d+)(?:\.(\d{1,9}))?s$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

function timestamp(s: string): { seconds: number; nanos: number } {
  const ms = Date.parse(s);
  const frac = /\.(\d+)/.exec(s)?.[1] ?? '';
  return { seconds: Math.floor(ms / 1000), nanos: Number(frac.padEnd(9, '0').slice(0, 9)) };
}

function duration(m: RegExpExecArray): { seconds: number; nanos: number } {
  return { seconds: Number(m[1]), nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

function fix(v: unknown, key: string): unknown {
  if (Array.isArray(v)) return v.map((x) => fix(x, key));
  if (typeof v === 'string') {
    if (key === 'eventType' && v.startsWith('EventType')) return `EVENT_TYPE_${v.slice(9).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
    const d = DURATION.exec(v);
    if (d) return duration(d);
    if (/Time$/.test(key) && TIMESTAMP.test(v)) return timestamp(v);
    return v;
  }
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  // why: payload metadata and header maps hold base64 bytes under arbitrary keys, never durations or times.
  const opaque = key === 'metadata' || key === 'fields' || key === 'indexedFields';
  for (const [k, x] of Object.entries(v)) out[k] = opaque ? x : fix(x, k);
  return out;
}

/** The history as the proto object `Worker.runReplayHistory` takes. */
export function historyFromPlainJson(json: { events: unknown[] }): ProtoHistory {
  try {
    return historyFromJSON(json);
  } catch {
    return proto.temporal.api.history.v1.History.fromObject(fix(json, '') as Record<string, unknown>);
  }
}
