/**
 * @module One normal form for history events, whichever spelling the history arrived in: proto
 * objects from `client.workflow.fetchHistory()` (numeric enums, Long ids, Timestamp objects) or
 * history JSON (`EVENT_TYPE_X` / `EventTypeX` names, string ids, RFC 3339 times). Never throws on
 * an event it cannot read: the event is kept with what could be read and reported as a problem.
 */
import proto from '@temporalio/proto';

const EVENT_TYPE_NAMES = proto.temporal.api.enums.v1.EventType as unknown as Record<number, string>;

export interface NormalEvent {
  /** The history event id (1-based); 0 when the event carried none. */
  id: number;
  /** Event time as an ISO string; undefined when the event carried none. */
  at: string | undefined;
  /** PascalCase event type without prefix: `ActivityTaskScheduled`. `Unspecified` when unreadable. */
  type: string;
  /** The event's `...Attributes` message (empty when none is set). */
  attrs: Record<string, unknown>;
}

export interface HistoryProblem {
  eventId?: number;
  type?: string;
  message: string;
}

export interface NormalHistory {
  events: NormalEvent[];
  problems: HistoryProblem[];
}

/** A number from a JS number, a decimal string, a bigint or a protobuf Long; undefined otherwise. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  if (v !== null && typeof v === 'object' && typeof (v as { toNumber?: unknown }).toNumber === 'function') {
    return (v as { toNumber(): number }).toNumber();
  }
  return undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const ZERO = 48;

/** The decimal number written by the `n` digits of `s` at `at`, or -1 when one of them is not a digit. */
function digitsAt(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * True when `s` is already what toISOString writes for the instant it names: the fixed form
 * `YYYY-MM-DDTHH:MM:SS.mmmZ` with every field in range (Date.parse would roll 02-30 or 24:00 over).
 * why by character codes: it runs once per event, and a regular expression with captures allocates.
 */
function isCanonicalIso(s: string): boolean {
  if (s.length !== 24 || s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':' || s[19] !== '.' || s[23] !== 'Z') return false;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  const second = digitsAt(s, 17, 2);
  if (year < 0 || digitsAt(s, 20, 3) < 0) return false;
  if (month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  const leap = month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0));
  return day <= DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0);
}

/** ISO time from an RFC 3339 string, a Date, or a protobuf Timestamp ({ seconds, nanos }). */
export function toIso(v: unknown): string | undefined {
  if (typeof v === 'string') {
    // why: history JSON times are nearly always already in this form; parsing and re-printing each
    // of tens of thousands of them is a visible share of a reconstruction.
    if (isCanonicalIso(v)) return v;
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  if (v !== null && typeof v === 'object' && 'seconds' in v) {
    const s = toNumber((v as { seconds: unknown }).seconds) ?? 0;
    const n = toNumber((v as { nanos?: unknown }).nanos) ?? 0;
    return new Date(s * 1000 + Math.floor(n / 1e6)).toISOString();
  }
  return undefined;
}

function pascal(constant: string): string {
  return constant.toLowerCase().replace(/(^|_)([a-z0-9])/g, (_m, _s: string, c: string) => c.toUpperCase());
}

const NAME_CACHE = new Map<unknown, string>();

/** `EVENT_TYPE_ACTIVITY_TASK_SCHEDULED`, `EventTypeActivityTaskScheduled` or its enum number, as `ActivityTaskScheduled`. */
export function eventTypeName(v: unknown): string {
  const hit = NAME_CACHE.get(v);
  if (hit !== undefined) return hit;
  const name = typeName(v);
  // why bounded: names are few; a hostile history must not grow the cache without limit.
  if (NAME_CACHE.size < 512 && (typeof v === 'number' || typeof v === 'string')) NAME_CACHE.set(v, name);
  return name;
}

function typeName(v: unknown): string {
  if (typeof v === 'number') {
    const name = EVENT_TYPE_NAMES[v];
    return name ? pascal(name.replace(/^EVENT_TYPE_/, '')) : 'Unspecified';
  }
  if (typeof v !== 'string' || v === '') return 'Unspecified';
  if (v.startsWith('EVENT_TYPE_')) return pascal(v.slice('EVENT_TYPE_'.length));
  if (v.startsWith('EventType')) return v.slice('EventType'.length) || 'Unspecified';
  return /^[A-Z][A-Za-z]*$/.test(v) ? v : 'Unspecified';
}

function attributesOf(e: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(e)) {
    const v = e[k];
    if (k.endsWith('Attributes') && v !== null && typeof v === 'object') return v as Record<string, unknown>;
  }
  return {};
}

/** The event id of a raw event as normalise reads it: 0 when it carries none. */
export function eventIdOf(raw: unknown): number {
  return raw !== null && typeof raw === 'object' ? toNumber((raw as { eventId?: unknown }).eventId) ?? 0 : 0;
}

/** Normalise one event; records a problem for each field that could not be read. */
function normalise(raw: unknown, index: number, problems: HistoryProblem[]): NormalEvent {
  if (raw === null || typeof raw !== 'object') {
    problems.push({ message: `event at index ${index} is not an object` });
    return { id: 0, at: undefined, type: 'Unspecified', attrs: {} };
  }
  const e = raw as Record<string, unknown>;
  const id = toNumber(e.eventId) ?? 0;
  const type = eventTypeName(e.eventType);
  const at = toIso(e.eventTime);
  if (id <= 0) problems.push({ type, message: `event at index ${index} has no event id` });
  if (type === 'Unspecified') problems.push({ eventId: id, message: `event \`${id}\` has an unreadable event type` });
  return { id, at, type, attrs: attributesOf(e) };
}

/** Read a history (proto object or parsed JSON); never throws. */
export function readHistory(history: unknown): NormalHistory {
  const problems: HistoryProblem[] = [];
  const list = history !== null && typeof history === 'object' ? (history as { events?: unknown }).events : undefined;
  if (!Array.isArray(list)) return { events: [], problems: [{ message: 'history has no `events` array' }] };
  const events = list.map((raw, i) => normalise(raw, i, problems));
  return { events, problems };
}
