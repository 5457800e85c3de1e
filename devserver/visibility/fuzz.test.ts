import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVisibilityError } from './errors.js';
import { decodeSearchAttributePayloads } from './payloads.js';
import { parseVisibilityQuery } from './parser.js';
import { countExecutions, queryExecutions } from './query.js';
import { SearchAttributeRegistry } from './registry.js';
import { EXECUTION_STATUSES, type Payload, type VisibilityRow } from './types.js';

const registry = new SearchAttributeRegistry({ Amount: 'Double', Count: 'Int', Owner: 'Keyword', Notes: 'Text', Tags: 'KeywordList', Due: 'Datetime', Done: 'Bool' });

const rows: VisibilityRow[] = Array.from({ length: 40 }, (_, i) => ({
  workflowId: `wf-${i}`, runId: `run-${i}`, workflowType: i % 2 ? 'A' : 'B', executionStatus: EXECUTION_STATUSES[i % 7] ?? 'Running',
  taskQueue: `q${i % 3}`, startTime: 1_700_000_000_000 + (i % 9) * 1000, executionTime: 1_700_000_000_000,
  ...(i % 7 === 0 ? {} : { closeTime: 1_700_000_100_000 + i }), historyLength: i,
  searchAttributes: i % 4 === 0 ? {} : { Amount: i / 3, Count: i % 6, Owner: `o${i % 5}`, Notes: `note ${i} shared`, Tags: [`t${i % 3}`], Due: new Date(1_700_000_000_000 + i * 60_000).toISOString(), Done: i % 2 === 0 },
}));

/** Runs `fn`; anything thrown must be a VisibilityError whose position (if any) lies inside `text`. */
function onlyVisibilityErrors(text: string, fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isVisibilityError(e)) throw e;
    expect(e.code).toBe('INVALID_ARGUMENT');
    if (e.position !== undefined) expect(e.position).toBeGreaterThanOrEqual(0);
    if (e.position !== undefined) expect(e.position).toBeLessThanOrEqual(text.length);
    expect(e.message).toMatch(/^[a-z]/);
    expect(e.message).not.toMatch(/\.$/);
  }
}

const FRAGMENTS = [
  'WorkflowId', 'ExecutionStatus', 'StartTime', 'CloseTime', 'ExecutionDuration', 'Amount', 'Count', 'Owner', 'Notes', 'Tags', 'Due', 'Done',
  'Unknown', '`Owner`', '=', '!=', '<', '<=', '>', '>=', '<>', 'AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'STARTS_WITH', 'IS', 'NULL',
  'ORDER BY', 'GROUP BY', 'ASC', 'DESC', '(', ')', ',', 'true', 'false', '0', '-3', '2.5', '1e400', "'o1'", "'Running'",
  "'2023-11-14T22:13:20Z'", "'1h'", "'t1'", '"x"', "'", '`', '\\', ';',
];

const soup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 14 }).map((parts) => parts.join(' '));

describe('robustness (property-based)', () => {
  it('random strings never throw anything but VisibilityError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
      onlyVisibilityErrors(text, () => parseVisibilityQuery(text));
      onlyVisibilityErrors(text, () => queryExecutions(rows, text, registry, { pageSize: 5 }));
      onlyVisibilityErrors(text, () => countExecutions(rows, text, registry));
    }), { numRuns: 400 });
  });

  it('random token soups never throw anything but VisibilityError', () => {
    fc.assert(fc.property(soup, (text) => {
      onlyVisibilityErrors(text, () => queryExecutions(rows, text, registry, { pageSize: 5 }));
      onlyVisibilityErrors(text, () => countExecutions(rows, text, registry));
    }), { numRuns: 1500 });
  });

  it('random page tokens never throw anything but VisibilityError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.jsonValue(), (bytes, json) => {
      onlyVisibilityErrors('', () => queryExecutions(rows, '', registry, { pageSize: 3, nextPageToken: bytes }));
      onlyVisibilityErrors('', () => queryExecutions(rows, '', registry, { pageSize: 3, nextPageToken: Buffer.from(JSON.stringify(json) ?? '') }));
    }), { numRuns: 300 });
  });

  it('random payloads never throw anything but VisibilityError', () => {
    const payload = fc.record({
      metadata: fc.option(fc.dictionary(fc.constantFrom('encoding', 'type', 'x'), fc.oneof(
        fc.uint8Array({ maxLength: 20 }), fc.constantFrom('json/plain', 'Keyword', 'KeywordList', 'Datetime').map((s) => Buffer.from(s)),
      ))),
      data: fc.option(fc.oneof(fc.uint8Array({ maxLength: 30 }), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '')))),
    }, { requiredKeys: [] });
    const name = fc.constantFrom('Amount', 'Count', 'Owner', 'Notes', 'Tags', 'Due', 'Done', 'WorkflowId', 'Nope', '__proto__');
    fc.assert(fc.property(fc.dictionary(name, fc.oneof(payload, fc.anything())), (indexed) => {
      onlyVisibilityErrors('', () => registry.validateUpsert(decodeSearchAttributePayloads(indexed as Record<string, Payload>, registry)));
    }), { numRuns: 500 });
  });
});

describe('consistency (property-based)', () => {
  const atom = fc.oneof(
    fc.constantFrom('Owner', 'WorkflowType', 'TaskQueue').chain((f) => fc.constantFrom("'o1'", "'o2'", "'A'", "'q1'").map((v) => `${f} = ${v}`)),
    fc.integer({ min: -1, max: 7 }).map((n) => `Count > ${n}`),
    fc.integer({ min: 0, max: 40 }).map((n) => `HistoryLength <= ${n}`),
    fc.constantFrom(...EXECUTION_STATUSES).map((s) => `ExecutionStatus != '${s}'`),
    fc.constantFrom('CloseTime IS NULL', 'Tags IS NOT NULL', "Tags IN ('t0', 't2')", 'Done = true', "Notes = 'shared'"),
  );
  const query = fc.array(atom, { minLength: 1, maxLength: 4 }).chain((atoms) => fc.constantFrom(' AND ', ' OR ').map((j) => atoms.join(j)));
  const order = fc.constantFrom('', ' ORDER BY Count DESC', ' ORDER BY CloseTime', ' ORDER BY Owner, StartTime DESC', ' ORDER BY ExecutionStatus');

  it('paging through a query returns exactly the rows count reports, each once, in order', () => {
    fc.assert(fc.property(query, order, fc.integer({ min: 1, max: 9 }), (where, orderBy, pageSize) => {
      const full = queryExecutions(rows, where + orderBy, registry, { pageSize: 1000 }).rows.map((r) => r.runId);
      const paged: string[] = [];
      let token: Buffer | undefined;
      do {
        const page = queryExecutions(rows, where + orderBy, registry, { pageSize, nextPageToken: token });
        paged.push(...page.rows.map((r) => r.runId));
        token = page.nextPageToken;
      } while (token);
      expect(paged).toEqual(full);
      expect(countExecutions(rows, where, registry).count).toBe(full.length);
    }), { numRuns: 200 });
  });

  it('OR widens and AND narrows', () => {
    fc.assert(fc.property(atom, atom, (a, b) => {
      const count = (q: string): number => countExecutions(rows, q, registry).count;
      expect(count(`${a} OR ${b}`)).toBeGreaterThanOrEqual(Math.max(count(a), count(b)));
      expect(count(`${a} AND ${b}`)).toBeLessThanOrEqual(Math.min(count(a), count(b)));
      expect(count(`${a} OR ${b}`) + count(`${a} AND ${b}`)).toBe(count(a) + count(b));
    }), { numRuns: 200 });
  });
});
