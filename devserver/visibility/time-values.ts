/**
 * @module Datetime and duration values. Temporal accepts RFC 3339 (with up to 9 fraction digits) and
 * epoch nanoseconds for Datetime, and Go durations, `hh:mm:ss` or nanoseconds for ExecutionDuration.
 * why µs: comparisons use epoch microseconds, which stay exact in a double for every RFC 3339 year
 * (ns would not); 1 µs is also the resolution Temporal's SQL visibility stores offer.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

export interface ParsedDatetime {
  /** Epoch microseconds, floored. */
  readonly micros: number;
  /** The same instant in UTC, `YYYY-MM-DDTHH:MM:SS.fff[ffffff]Z`, keeping every fraction digit given. */
  readonly normalised: string;
}

/** Parse a strict RFC 3339 timestamp; undefined when the text is not one or names an impossible date. */
export function parseRfc3339(text: string): ParsedDatetime | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offsetMin = parseOffset(m[8] as string);
  if (offsetMin === undefined || mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  if (date.getUTCDate() !== d || date.getUTCMonth() !== mo - 1) return undefined;
  const fraction = (m[7] ?? '').padEnd(3, '0');
  const ms = date.getTime() - offsetMin * 60_000;
  const micros = ms * 1000 + Number(fraction.slice(0, 6).padEnd(6, '0'));
  const utc = new Date(ms).toISOString();
  // why: an offset can push year 0000 or 9999 outside four digits, which RFC 3339 cannot write
  if (!/^\d{4}-/.test(utc)) return undefined;
  return { micros, normalised: `${utc.slice(0, 19)}.${fraction}Z` };
}

function parseOffset(text: string): number | undefined {
  if (text === 'Z' || text === 'z') return 0;
  const hours = Number(text.slice(1, 3));
  const minutes = Number(text.slice(4, 6));
  if (hours > 23 || minutes > 59) return undefined;
  return (text.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** Epoch nanoseconds (as a query may give them) to epoch microseconds. */
export function nanosToMicros(nanos: number): number {
  return Math.floor(nanos / 1000);
}

const GO_UNIT_NANOS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const GO_DURATION = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const GO_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
const CLOCK = /^(\d+):([0-5]\d):([0-5]\d)(?:\.(\d{1,9}))?$/;

/** Parse a Go duration (`1h30m`, `1.5s`, `300ms`), `hh:mm:ss[.fff]` or `0` into nanoseconds. */
export function parseDurationNanos(text: string): number | undefined {
  if (text === '0') return 0;
  const clock = CLOCK.exec(text);
  if (clock) {
    const [h, m, s] = clock.slice(1, 4).map(Number) as [number, number, number];
    return ((h * 60 + m) * 60 + s) * 1e9 + Number((clock[4] ?? '').padEnd(9, '0'));
  }
  if (!GO_DURATION.test(text)) return undefined;
  let total = 0;
  for (const part of text.matchAll(GO_PART)) total += Number(part[1]) * (GO_UNIT_NANOS[part[2] as string] as number);
  return text.startsWith('-') ? -total : total;
}
