/**
 * @module Resolving a name in a query to a typed reader over rows. Comparable forms: Keyword/Text
 * string, Int/Double number, Bool boolean, Datetime epoch microseconds, KeywordList string[].
 * ExecutionStatus is a Keyword restricted to status names; ExecutionDuration an Int of nanoseconds.
 */
import type { FieldRef } from './ast.js';
import { boundedMemo } from './memo.js';
import { queryError, quote } from './errors.js';
import type { SearchAttributeRegistry } from './registry.js';
import { parseRfc3339 } from './time-values.js';
import type { SearchAttributeType, VisibilityRow } from './types.js';

export type Comparable = string | number | boolean | readonly string[];
export type ValueKind = SearchAttributeType | 'ExecutionStatus';

export interface Field {
  readonly name: string;
  readonly kind: ValueKind;
  /** ExecutionDuration takes Go durations and `hh:mm:ss` as well as nanoseconds. */
  readonly duration: boolean;
  readonly read: (row: VisibilityRow) => Comparable | undefined;
}

type Reader = (row: VisibilityRow) => Comparable | undefined;

const ROW_READERS: Record<string, Reader> = {
  WorkflowId: (r) => r.workflowId,
  RunId: (r) => r.runId,
  WorkflowType: (r) => r.workflowType,
  ExecutionStatus: (r) => r.executionStatus,
  TaskQueue: (r) => r.taskQueue,
  StartTime: (r) => msToMicros(r.startTime),
  ExecutionTime: (r) => msToMicros(r.executionTime),
  CloseTime: (r) => msToMicros(r.closeTime),
  HistoryLength: (r) => (Number.isFinite(r.historyLength) ? r.historyLength : undefined),
  ExecutionDuration: (r) => (r.closeTime === undefined ? undefined : (r.closeTime - r.executionTime) * 1e6),
};

function msToMicros(ms: number | undefined): number | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) ? ms * 1000 : undefined;
}

/** Resolve a query name; throws INVALID_ARGUMENT "unknown search attribute" at the name's position. */
export function resolveField(ref: FieldRef, registry: SearchAttributeRegistry): Field {
  const attr = registry.resolve(ref.name);
  if (attr === undefined) throw queryError(`unknown search attribute ${quote(ref.name)}`, ref.pos);
  const rowReader = attr.kind === 'system' ? ROW_READERS[attr.name] : undefined;
  const kind: ValueKind = attr.name === 'ExecutionStatus' && attr.kind === 'system' ? 'ExecutionStatus' : attr.type;
  const read = rowReader ?? storedReader(attr.name, attr.type);
  return { name: attr.name, kind, duration: attr.name === 'ExecutionDuration' && attr.kind === 'system', read };
}

function storedReader(name: string, type: SearchAttributeType): Reader {
  const coerce = STORED[type];
  return (row) => {
    const attrs = row.searchAttributes;
    if (attrs === null || typeof attrs !== 'object' || !Object.hasOwn(attrs, name)) return undefined;
    return coerce(attrs[name]);
  };
}

/**
 * Stored values are read defensively: a value of the wrong shape (written before its attribute was
 * removed and re-added with another type, say) reads as unset instead of failing the whole query.
 */
const STORED: Record<SearchAttributeType, (v: unknown) => Comparable | undefined> = {
  Keyword: (v) => scalar(v, (x) => (typeof x === 'string' ? x : undefined)),
  Text: (v) => scalar(v, (x) => (typeof x === 'string' ? x : undefined)),
  Int: (v) => scalar(v, (x) => (typeof x === 'number' && Number.isInteger(x) ? x : undefined)),
  Double: (v) => scalar(v, (x) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined)),
  Bool: (v) => scalar(v, (x) => (typeof x === 'boolean' ? x : undefined)),
  Datetime: (v) => scalar(v, storedDatetime),
  KeywordList: (v) => (typeof v === 'string' ? [v] : Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined),
};

function scalar(v: unknown, pick: (x: unknown) => Comparable | undefined): Comparable | undefined {
  return pick(Array.isArray(v) && v.length === 1 ? v[0] : v);
}

const storedMicros = boundedMemo((text) => parseRfc3339(text)?.micros, 50_000);

function storedDatetime(x: unknown): number | undefined {
  if (x instanceof Date) return msToMicros(x.getTime());
  return typeof x === 'string' ? storedMicros(x) : undefined;
}
