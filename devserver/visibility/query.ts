/**
 * @module ListWorkflowExecutions / CountWorkflowExecutions over the server's rows. A query is parsed
 * and compiled once (and cached per registry version), then runs as a closure over every row.
 */
import { z } from 'zod';
import type { VisibilityQuery } from './ast.js';
import { VisibilityError, queryError } from './errors.js';
import { compileOrdering, type Ordering } from './order.js';
import { decodePageToken, encodePageToken, queryDigest } from './page-token.js';
import { parseVisibilityQuery } from './parser.js';
import { compilePredicate, type RowPredicate } from './predicate.js';
import type { SearchAttributeRegistry } from './registry.js';
import { EXECUTION_STATUSES, type ExecutionStatusName, type VisibilityRow } from './types.js';

export interface CompiledQuery {
  readonly query: VisibilityQuery;
  readonly matches: RowPredicate;
  readonly ordering: Ordering;
  /** True when the query has GROUP BY ExecutionStatus. */
  readonly groupByStatus: boolean;
  readonly digest: string;
}

export const DEFAULT_PAGE_SIZE = 1000;
/** Larger requests are served in pages of this size (Temporal's default visibility page limit). */
export const MAX_PAGE_SIZE = 1000;

/** Parse (if needed) and compile a query against a registry; throws INVALID_ARGUMENT. */
export function compileVisibilityQuery(query: string | VisibilityQuery, registry: SearchAttributeRegistry): CompiledQuery {
  const text = typeof query === 'string' ? query : query.text;
  const cached = cacheGet(registry, text);
  if (cached) return cached;
  const parsed = typeof query === 'string' ? parseVisibilityQuery(query) : query;
  const compiled: CompiledQuery = {
    query: parsed,
    matches: parsed.where ? compilePredicate(parsed.where, registry) : () => true,
    ordering: compileOrdering(parsed.orderBy, registry),
    groupByStatus: checkGroupBy(parsed),
    digest: queryDigest(text),
  };
  cacheSet(registry, text, compiled);
  return compiled;
}

function checkGroupBy(query: VisibilityQuery): boolean {
  const [first, ...rest] = query.groupBy;
  if (first === undefined) return false;
  const bad = first.name !== 'ExecutionStatus' ? first : rest[0];
  if (bad) throw queryError('GROUP BY is only supported for ExecutionStatus', bad.pos);
  return true;
}

const OptionsSchema = z.object({
  pageSize: z.number().int().min(0).nullish(),
  nextPageToken: z.instanceof(Uint8Array).nullish(),
});

export interface ListOptions {
  pageSize?: number | null;
  nextPageToken?: Uint8Array | null;
}

/** One page of matching rows in query order, with a token when more remain. Throws INVALID_ARGUMENT. */
export function queryExecutions<R extends VisibilityRow>(
  rows: Iterable<R>, query: string | VisibilityQuery, registry: SearchAttributeRegistry, options: ListOptions = {},
): { rows: R[]; nextPageToken?: Buffer } {
  const opts = OptionsSchema.safeParse(options);
  if (!opts.success) throw new VisibilityError('INVALID_ARGUMENT', 'invalid list options: `pageSize` must be a non-negative integer and `nextPageToken` bytes');
  const compiled = compileVisibilityQuery(query, registry);
  if (compiled.groupByStatus) throw queryError('GROUP BY is only supported for count', compiled.query.groupBy[0]?.pos ?? 0);
  const pageSize = Math.min(opts.data.pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const { ordering, matches } = compiled;
  const after = decodePageToken(opts.data.nextPageToken, compiled.digest, ordering);
  const candidates: { row: R; key: ReturnType<Ordering['key']> }[] = [];
  for (const row of rows) {
    if (!matches(row)) continue;
    const key = ordering.key(row);
    if (after === undefined || ordering.compare(key, after) > 0) candidates.push({ row, key });
  }
  candidates.sort((a, b) => ordering.compare(a.key, b.key));
  const page = candidates.slice(0, pageSize);
  const last = page[page.length - 1];
  const more = candidates.length > pageSize && last !== undefined;
  return { rows: page.map((c) => c.row), ...(more ? { nextPageToken: encodePageToken(compiled.digest, last.key) } : {}) };
}

export interface CountResult {
  count: number;
  /** With GROUP BY ExecutionStatus: one group per status present, largest first. */
  groups?: { values: ExecutionStatusName[]; count: number }[];
}

/** Count matching rows, grouped by status when the query says GROUP BY ExecutionStatus. ORDER BY is ignored. */
export function countExecutions(rows: Iterable<VisibilityRow>, query: string | VisibilityQuery, registry: SearchAttributeRegistry): CountResult {
  const compiled = compileVisibilityQuery(query, registry);
  const perStatus = new Map<ExecutionStatusName, number>();
  let count = 0;
  for (const row of rows) {
    if (!compiled.matches(row)) continue;
    count++;
    if (compiled.groupByStatus) perStatus.set(row.executionStatus, (perStatus.get(row.executionStatus) ?? 0) + 1);
  }
  if (!compiled.groupByStatus) return { count };
  const groups = [...perStatus].map(([status, n]) => ({ values: [status], count: n }));
  groups.sort((a, b) => b.count - a.count || EXECUTION_STATUSES.indexOf(a.values[0] as ExecutionStatusName) - EXECUTION_STATUSES.indexOf(b.values[0] as ExecutionStatusName));
  return { count, groups };
}

// ---- compiled-query cache: per registry, invalidated when the registry's version moves ----------

const CACHE_LIMIT = 128;
const caches = new WeakMap<SearchAttributeRegistry, { version: number; entries: Map<string, CompiledQuery> }>();

function cacheGet(registry: SearchAttributeRegistry, text: string): CompiledQuery | undefined {
  const cache = caches.get(registry);
  if (!cache || cache.version !== registry.version) return undefined;
  const hit = cache.entries.get(text);
  if (hit) {
    cache.entries.delete(text);
    cache.entries.set(text, hit);
  }
  return hit;
}

function cacheSet(registry: SearchAttributeRegistry, text: string, compiled: CompiledQuery): void {
  let cache = caches.get(registry);
  if (!cache || cache.version !== registry.version) {
    cache = { version: registry.version, entries: new Map() };
    caches.set(registry, cache);
  }
  cache.entries.set(text, compiled);
  if (cache.entries.size > CACHE_LIMIT) cache.entries.delete(cache.entries.keys().next().value as string);
}
