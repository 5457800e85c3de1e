import { describe, expect, it } from 'vitest';
import { VisibilityError } from './errors.js';
import { MAX_PAGE_SIZE, compileVisibilityQuery, queryExecutions } from './query.js';
import { SearchAttributeRegistry } from './registry.js';
import { EXECUTION_STATUSES, type VisibilityRow } from './types.js';

const registry = new SearchAttributeRegistry({ Priority: 'Int', Owner: 'Keyword', Urgent: 'Bool' });

function makeRow(i: number, overrides: Partial<VisibilityRow> = {}): VisibilityRow {
  return {
    workflowId: `wf-${String(i).padStart(3, '0')}`, runId: `run-${String(i).padStart(3, '0')}`, workflowType: 'T',
    executionStatus: EXECUTION_STATUSES[i % EXECUTION_STATUSES.length] ?? 'Running', taskQueue: 'q',
    startTime: 1_700_000_000_000 + Math.floor(i / 2) * 1000, executionTime: 1_700_000_000_000, historyLength: i,
    searchAttributes: i % 3 === 0 ? {} : { Priority: i % 5, Owner: `owner-${i % 4}`, Urgent: i % 2 === 0 },
    ...overrides,
  };
}

const ROWS = Array.from({ length: 25 }, (_, i) => makeRow(i));

function order(query: string, rows: VisibilityRow[] = ROWS): string[] {
  return queryExecutions(rows, query, registry, { pageSize: 1000 }).rows.map((r) => r.runId);
}

function allPages(query: string, pageSize: number, rows: VisibilityRow[] = ROWS): string[] {
  const seen: string[] = [];
  let token: Buffer | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = queryExecutions(rows, query, registry, { pageSize, nextPageToken: token });
    expect(page.rows.length).toBeLessThanOrEqual(pageSize);
    seen.push(...page.rows.map((r) => r.runId));
    if (!page.nextPageToken) return seen;
    token = page.nextPageToken;
  }
  throw new Error('pagination did not end');
}

describe('ordering', () => {
  it('defaults to StartTime DESC, then RunId ascending for equal start times', () => {
    const expected = [...ROWS].sort((a, b) => b.startTime - a.startTime || a.runId.localeCompare(b.runId)).map((r) => r.runId);
    expect(order('')).toEqual(expected);
    expect(order('').slice(0, 3)).toEqual(['run-024', 'run-022', 'run-023']);
  });

  it('follows ORDER BY terms in turn with ASC as the default direction', () => {
    const got = queryExecutions(ROWS, 'Priority IS NOT NULL ORDER BY Priority DESC, WorkflowId', registry).rows;
    const pairs = got.map((r) => [r.searchAttributes.Priority as number, r.workflowId] as const);
    const sorted = [...pairs].sort((a, b) => b[0] - a[0] || a[1].localeCompare(b[1]));
    expect(pairs).toEqual(sorted);
    expect(pairs[0]).toEqual([4, 'wf-004']);
  });

  it('puts unset values last ascending and first descending', () => {
    const asc = queryExecutions(ROWS, 'ORDER BY Priority ASC', registry).rows;
    const desc = queryExecutions(ROWS, 'ORDER BY Priority DESC', registry).rows;
    expect(asc.slice(-9).every((r) => r.searchAttributes.Priority === undefined)).toBe(true);
    expect(desc.slice(0, 9).every((r) => r.searchAttributes.Priority === undefined)).toBe(true);
    expect(asc[0]?.searchAttributes.Priority).toBe(0);
  });

  it('orders ExecutionStatus by its enum rank and Bool false before true', () => {
    const statuses = queryExecutions(ROWS, 'ORDER BY ExecutionStatus', registry).rows.map((r) => r.executionStatus);
    const ranks = statuses.map((s) => EXECUTION_STATUSES.indexOf(s));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(statuses[0]).toBe('Running');
    const urgent = queryExecutions(ROWS, 'Urgent IS NOT NULL ORDER BY Urgent', registry).rows.map((r) => r.searchAttributes.Urgent);
    expect(urgent.indexOf(true)).toBeGreaterThan(urgent.lastIndexOf(false));
  });

  it('orders CloseTime DESC with running workflows first', () => {
    const rows = [makeRow(1, { closeTime: 5 }), makeRow(2), makeRow(3, { closeTime: 9 })];
    expect(order('ORDER BY CloseTime DESC', rows)).toEqual(['run-002', 'run-003', 'run-001']);
  });
});

describe('pagination', () => {
  it.each([1, 2, 3, 7, 24, 25, 26])('pages of %i cover every row once, in order', (size) => {
    expect(allPages('', size)).toEqual(order(''));
    expect(allPages("Owner STARTS_WITH 'owner-' ORDER BY Owner DESC", size)).toEqual(order("Owner STARTS_WITH 'owner-' ORDER BY Owner DESC"));
  });

  it('gives no token when the last page is exactly full', () => {
    const page = queryExecutions(ROWS, '', registry, { pageSize: 25 });
    expect(page.rows).toHaveLength(25);
    expect(page.nextPageToken).toBeUndefined();
  });

  it('neither repeats nor skips rows when workflows start between pages', () => {
    const rows = [...ROWS];
    const first = queryExecutions(rows, '', registry, { pageSize: 10 });
    rows.push(...Array.from({ length: 5 }, (_, i) => makeRow(100 + i, { startTime: 1_800_000_000_000 + i })));
    const rest: string[] = [];
    let token = first.nextPageToken;
    while (token) {
      const page = queryExecutions(rows, '', registry, { pageSize: 10, nextPageToken: token });
      rest.push(...page.rows.map((r) => r.runId));
      token = page.nextPageToken;
    }
    expect([...first.rows.map((r) => r.runId), ...rest]).toEqual(order('', ROWS));
  });

  it('treats pageSize 0 as the default and caps large page sizes', () => {
    const many = Array.from({ length: MAX_PAGE_SIZE + 5 }, (_, i) => makeRow(i));
    expect(queryExecutions(many, '', registry, { pageSize: 0 }).rows).toHaveLength(MAX_PAGE_SIZE);
    const big = queryExecutions(many, '', registry, { pageSize: 50_000 });
    expect(big.rows).toHaveLength(MAX_PAGE_SIZE);
    expect(big.nextPageToken).toBeDefined();
  });

  it('accepts any iterable of rows', () => {
    const map = new Map(ROWS.map((r) => [r.runId, r]));
    expect(queryExecutions(map.values(), '', registry, { pageSize: 5 }).rows.map((r) => r.runId)).toEqual(order('').slice(0, 5));
  });

  const validToken = queryExecutions(ROWS, '', registry, { pageSize: 5 }).nextPageToken as Buffer;
  it.each<[string, () => Uint8Array]>([
    ['garbage bytes', () => Buffer.from([0xff, 0x00, 0x13])],
    ['non-JSON text', () => Buffer.from('hello')],
    ['a token of another query', () => queryExecutions(ROWS, "Owner = 'owner-1'", registry, { pageSize: 1 }).nextPageToken as Buffer],
    ['a key of the wrong length', () => Buffer.from(JSON.stringify({ ...JSON.parse(validToken.toString()), k: [1] }))],
    ['a key of the wrong types', () => Buffer.from(JSON.stringify({ ...JSON.parse(validToken.toString()), k: ['x', 5] }))],
    ['extra fields', () => Buffer.from(JSON.stringify({ ...JSON.parse(validToken.toString()), admin: true }))],
    ['an oversized token', () => Buffer.alloc(100_000, 0x20)],
  ])('refuses %s as a page token', (_name, token) => {
    let error: unknown;
    try {
      queryExecutions(ROWS, '', registry, { pageSize: 5, nextPageToken: token() });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VisibilityError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'invalid next page token: it does not belong to this query' });
  });

  it.each([[{ pageSize: -1 }], [{ pageSize: 1.5 }], [{ nextPageToken: 'abc' }]])('refuses options %j', (options) => {
    expect(() => queryExecutions(ROWS, '', registry, options as never)).toThrow(VisibilityError);
  });
});

describe('compilation', () => {
  it('compiles a query once per registry version', () => {
    const local = new SearchAttributeRegistry({ A: 'Int' });
    const first = compileVisibilityQuery('A = 1', local);
    expect(compileVisibilityQuery('A = 1', local)).toBe(first);
    local.add('B', 'Keyword');
    expect(compileVisibilityQuery('A = 1', local)).not.toBe(first);
  });

  it('filters and sorts 20,000 rows', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => makeRow(i));
    const page = queryExecutions(rows, "Priority >= 3 AND Owner IN ('owner-1', 'owner-2') ORDER BY StartTime DESC", registry, { pageSize: 100 });
    expect(page.rows).toHaveLength(100);
    expect(page.rows.every((r) => (r.searchAttributes.Priority as number) >= 3)).toBe(true);
  });
});
