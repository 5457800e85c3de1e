import { describe, expect, it } from 'vitest';
import type { Expr, Literal } from './ast.js';
import { VisibilityError } from './errors.js';
import { MAX_NESTING, MAX_QUERY_LENGTH, parseVisibilityQuery } from './parser.js';

/** A compact rendering of the AST so that tables can state the expected tree. */
function show(e: Expr | undefined): string {
  if (e === undefined) return '<all>';
  const lit = (l: Literal): string => (l.kind === 'string' ? `'${String(l.value)}'` : String(l.value));
  const not = (n: boolean): string => (n ? 'not-' : '');
  switch (e.kind) {
    case 'and':
    case 'or':
      return `(${e.kind} ${e.terms.map(show).join(' ')})`;
    case 'compare': return `(${e.op} ${e.field.name} ${lit(e.value)})`;
    case 'in': return `(${not(e.negated)}in ${e.field.name} ${e.values.map(lit).join(' ')})`;
    case 'between': return `(${not(e.negated)}between ${e.field.name} ${lit(e.low)} ${lit(e.high)})`;
    case 'startsWith': return `(${not(e.negated)}starts-with ${e.field.name} ${lit(e.value)})`;
    case 'isNull': return `(${e.negated ? 'is-not-null' : 'is-null'} ${e.field.name})`;
  }
}

describe('parseVisibilityQuery: accepted syntax', () => {
  it.each([
    ['', '<all>'],
    ['   \n\t ', '<all>'],
    ["WorkflowId = 'a'", "(= WorkflowId 'a')"],
    ['WorkflowId = "a"', "(= WorkflowId 'a')"],
    ["WorkflowId != 'a'", "(!= WorkflowId 'a')"],
    ["WorkflowId <> 'a'", "(!= WorkflowId 'a')"],
    ['HistoryLength < 5', '(< HistoryLength 5)'],
    ['HistoryLength <= 5', '(<= HistoryLength 5)'],
    ['HistoryLength > -5', '(> HistoryLength -5)'],
    ['HistoryLength >= 1.5e3', '(>= HistoryLength 1500)'],
    ['Flag = true', '(= Flag true)'],
    ['Flag = FALSE', '(= Flag false)'],
    ["WorkflowId IN ('a', 'b', \"c\")", "(in WorkflowId 'a' 'b' 'c')"],
    ["WorkflowId not in ('a')", "(not-in WorkflowId 'a')"],
    ['HistoryLength BETWEEN 1 AND 5', '(between HistoryLength 1 5)'],
    ['HistoryLength NOT BETWEEN 1 and 5', '(not-between HistoryLength 1 5)'],
    ["WorkflowId STARTS_WITH 'order-'", "(starts-with WorkflowId 'order-')"],
    ["WorkflowId not starts_with 'order-'", "(not-starts-with WorkflowId 'order-')"],
    ['CloseTime IS NULL', '(is-null CloseTime)'],
    ['CloseTime is not null', '(is-not-null CloseTime)'],
    ["`Custom Field` = 'x'", "(= Custom Field 'x')"],
    ["`WorkflowId`='x'", "(= WorkflowId 'x')"],
    ["Desc = 'x'", "(= Desc 'x')"],
    ['a = 1 OR b = 2 AND c = 3', '(or (= a 1) (and (= b 2) (= c 3)))'],
    ['a = 1 AND b = 2 OR c = 3', '(or (and (= a 1) (= b 2)) (= c 3))'],
    ['a = 1 and (b = 2 or c = 3)', '(and (= a 1) (or (= b 2) (= c 3)))'],
    ['a = 1 or b = 2 or c = 3', '(or (= a 1) (= b 2) (= c 3))'],
    ['((a = 1))', '(= a 1)'],
    ["a BETWEEN 1 AND 2 AND b = 'x'", "(and (between a 1 2) (= b 'x'))"],
  ])('parses %j', (text, expected) => {
    expect(show(parseVisibilityQuery(text).where)).toBe(expected);
  });

  it.each([
    ["s = 'it''s'", "it's"],
    ["s = 'it\\'s'", "it's"],
    ['s = "say \\"hi\\""', 'say "hi"'],
    ["s = 'a\\\\b'", 'a\\b'],
    ["s = 'tab\\there'", 'tab\there'],
    ["s = 'new\\nline'", 'new\nline'],
    ["s = 'q\\x'", 'qx'],
    ["s = 'ünï ☃ 日本'", 'ünï ☃ 日本'],
  ])('unescapes the string in %j', (text, value) => {
    const where = parseVisibilityQuery(text).where;
    expect(where?.kind === 'compare' ? where.value.value : undefined).toBe(value);
  });

  it('parses ORDER BY and GROUP BY, in either order, with case-insensitive keywords', () => {
    const q = parseVisibilityQuery("WorkflowType = 'x' order by StartTime desc, WorkflowId, CloseTime ASC group BY ExecutionStatus");
    expect(q.orderBy.map((t) => `${t.field.name} ${t.direction}`)).toEqual(['StartTime DESC', 'WorkflowId ASC', 'CloseTime ASC']);
    expect(q.groupBy.map((g) => g.name)).toEqual(['ExecutionStatus']);
    const r = parseVisibilityQuery('GROUP BY ExecutionStatus ORDER BY StartTime');
    expect(r.where).toBeUndefined();
    expect(r.groupBy.map((g) => [g.name, g.pos])).toEqual([['ExecutionStatus', 9]]);
    expect(r.orderBy).toHaveLength(1);
  });

  it('treats ORDER and GROUP as names unless BY follows', () => {
    const q = parseVisibilityQuery('Order = 5 ORDER BY Group DESC');
    expect(show(q.where)).toBe('(= Order 5)');
    expect(q.orderBy.map((t) => `${t.field.name} ${t.direction}`)).toEqual(['Group DESC']);
  });

  it('records 0-based positions of names, operators and values', () => {
    const where = parseVisibilityQuery("  Foo   >=  'bar'").where;
    expect(where).toMatchObject({ field: { name: 'Foo', pos: 2 }, opPos: 8, value: { pos: 12, raw: "'bar'" } });
  });
});

describe('parseVisibilityQuery: malformed queries', () => {
  it.each([
    ["WorkflowId = 'abc')", 18, 'invalid query: unexpected `)` at position 18: expected AND, OR, ORDER BY, GROUP BY or the end of the query'],
    [')', 0, 'invalid query: unexpected `)` at position 0: expected a search attribute name'],
    ["WorkflowId = 'a' AND", 20, 'invalid query: unexpected end of query at position 20: expected a search attribute name'],
    ['WorkflowId =', 12, 'invalid query: unexpected end of query at position 12: expected a value'],
    ['WorkflowId', 10, 'invalid query: unexpected end of query at position 10: expected an operator'],
    ["WorkflowId == 'a'", 12, 'invalid query: unexpected `=` at position 12: expected a value'],
    ["WorkflowId = 'a", 13, 'invalid query: unterminated string at position 13'],
    ["`WorkflowId = 'a'", 0, 'invalid query: unterminated backquoted name at position 0'],
    ["`` = 'a'", 0, 'invalid query: empty backquoted name at position 0'],
    ["WorkflowId = 'a' # comment", 17, 'invalid query: unexpected character `#` at position 17'],
    ["WorkflowId = 'a'; DROP TABLE x", 16, 'invalid query: unexpected character `;` at position 16'],
    ['WorkflowId = \u0001', 13, 'invalid query: unexpected character U+0001 at position 13'],
    ["(WorkflowId = 'a'", 17, 'invalid query: unexpected end of query at position 17: expected `)`'],
    ['WorkflowId = NULL', 13, 'invalid query: unexpected `NULL` at position 13: use IS NULL or IS NOT NULL'],
    ['WorkflowId IS', 13, 'invalid query: unexpected end of query at position 13: expected NULL'],
    ["WorkflowId IS 'x'", 14, "invalid query: unexpected `'x'` at position 14: expected NULL"],
    ["WorkflowId NOT = 'x'", 15, 'invalid query: unexpected `=` at position 15: expected IN, BETWEEN or STARTS_WITH after NOT'],
    ["WorkflowId IN 'a'", 14, "invalid query: unexpected `'a'` at position 14: expected `(` before the list of values"],
    ['WorkflowId IN ()', 15, 'invalid query: unexpected `)` at position 15: expected a value'],
    ["WorkflowId IN ('a' 'b')", 19, "invalid query: unexpected `'b'` at position 19: expected `,` or `)`"],
    ['a BETWEEN 1 OR 2', 12, 'invalid query: unexpected `OR` at position 12: expected AND'],
    ['a = 1 AND OR b = 2', 10, 'invalid query: unexpected `OR` at position 10: expected a search attribute name'],
    ['NOT a = 1', 0, 'invalid query: unexpected `NOT` at position 0: expected a search attribute name'],
    ['a = 1 ORDER BY', 14, 'invalid query: unexpected end of query at position 14: expected a search attribute name'],
    ['a = 1 ORDER BY b ORDER BY c', 17, 'invalid query: unexpected `ORDER` at position 17: expected `,`, ORDER BY, GROUP BY or the end of the query'],
    ['ORDER BY b DESC a', 16, 'invalid query: unexpected `a` at position 16: expected `,`, ORDER BY, GROUP BY or the end of the query'],
    ['GROUP BY ExecutionStatus AND a = 1', 25, 'invalid query: unexpected `AND` at position 25: expected `,`, ORDER BY, GROUP BY or the end of the query'],
    ['ORDER a', 6, 'invalid query: unexpected `a` at position 6: expected an operator'],
    ["'a' = WorkflowId", 0, "invalid query: unexpected `'a'` at position 0: expected a search attribute name"],
  ])('rejects %j at position %i', (text, position, message) => {
    let error: unknown;
    try {
      parseVisibilityQuery(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VisibilityError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', position, message });
  });

  it('limits nesting depth and query length', () => {
    const deep = `${'('.repeat(MAX_NESTING + 1)}a = 1${')'.repeat(MAX_NESTING + 1)}`;
    expect(() => parseVisibilityQuery(deep)).toThrow(`invalid query: parentheses nested deeper than ${MAX_NESTING} levels at position ${MAX_NESTING}`);
    const ok = `${'('.repeat(MAX_NESTING)}a = 1${')'.repeat(MAX_NESTING)}`;
    expect(show(parseVisibilityQuery(ok).where)).toBe('(= a 1)');
    expect(() => parseVisibilityQuery(`a = '${'x'.repeat(MAX_QUERY_LENGTH)}'`)).toThrow(/over the limit of 32768$/);
  });

  it('parses a long flat OR chain without deep recursion', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `a=${i}`).join(' OR ');
    const where = parseVisibilityQuery(text).where;
    expect(where?.kind === 'or' ? where.terms.length : 0).toBe(3000);
  });
});
