/**
 * @module Recursive-descent parser for Temporal's list-filter language:
 *   query     := [expr] { GROUP BY name {, name} | ORDER BY name [ASC|DESC] {, ...} }
 *   expr      := conj { OR conj }          (AND binds tighter than OR)
 *   conj      := primary { AND primary }
 *   primary   := ( expr ) | name predicate
 *   predicate := op value | [NOT] IN ( value {, value} ) | [NOT] BETWEEN value AND value
 *              | [NOT] STARTS_WITH value | IS [NOT] NULL
 * Syntax only: names and values are checked against the registry when the query is compiled.
 */
import type { CompareOp, Expr, FieldRef, Literal, OrderTerm, VisibilityQuery } from './ast.js';
import { VisibilityError, queryError, quote } from './errors.js';
import { tokenize, type Token } from './lexer.js';

/** Longer queries are refused outright; a list filter is a line or two, not a document. */
export const MAX_QUERY_LENGTH = 32 * 1024;
/** Parenthesis nesting limit; it keeps recursion (here and in the compiler) far from the stack limit. */
export const MAX_NESTING = 64;

/** Parse a list-filter query. An empty or blank query matches every row. Throws INVALID_ARGUMENT. */
export function parseVisibilityQuery(text: string): VisibilityQuery {
  if (typeof text !== 'string') throw new VisibilityError('INVALID_ARGUMENT', 'invalid query: expected a string');
  if (text.length > MAX_QUERY_LENGTH) {
    throw new VisibilityError('INVALID_ARGUMENT', `invalid query: ${text.length} characters, over the limit of ${MAX_QUERY_LENGTH}`);
  }
  return new Parser(text).parseQuery();
}

const AFTER_FILTER = 'expected AND, OR, ORDER BY, GROUP BY or the end of the query';
const AFTER_CLAUSE = 'expected `,`, ORDER BY, GROUP BY or the end of the query';
const OPERATOR_KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'IS', 'NULL', 'STARTS_WITH']);

class Parser {
  readonly #tokens: Token[];
  #at = 0;

  constructor(readonly text: string) {
    this.#tokens = tokenize(text);
  }

  parseQuery(): VisibilityQuery {
    const where = this.#startsClause() || this.#peek().kind === 'end' ? undefined : this.#parseOr(0);
    let orderBy: OrderTerm[] | undefined;
    let groupBy: FieldRef[] | undefined;
    while (this.#peek().kind !== 'end') {
      const t = this.#peek();
      const clause = this.#startsClause();
      if (clause && this.#isKeyword(t, 'ORDER') && orderBy === undefined) orderBy = this.#clause(() => this.#orderTerm());
      else if (clause && this.#isKeyword(t, 'GROUP') && groupBy === undefined) groupBy = this.#clause(() => this.#name());
      else throw this.#unexpected(t, orderBy === undefined && groupBy === undefined ? AFTER_FILTER : AFTER_CLAUSE);
    }
    return { text: this.text, ...(where ? { where } : {}), orderBy: orderBy ?? [], groupBy: groupBy ?? [] };
  }

  /** ORDER or GROUP followed by BY; either word alone may be an attribute name. */
  #startsClause(): boolean {
    const t = this.#peek();
    const next = this.#tokens[this.#at + 1];
    return (this.#isKeyword(t, 'ORDER') || this.#isKeyword(t, 'GROUP')) && next !== undefined && this.#isKeyword(next, 'BY');
  }

  #clause<T>(item: () => T): T[] {
    this.#next();
    this.#expectKeyword('BY');
    const items = [item()];
    while (this.#peek().kind === 'comma') {
      this.#next();
      items.push(item());
    }
    return items;
  }

  #orderTerm(): OrderTerm {
    const field = this.#name();
    const t = this.#peek();
    if (this.#isKeyword(t, 'ASC') || this.#isKeyword(t, 'DESC')) {
      this.#next();
      return { field, direction: t.value as 'ASC' | 'DESC' };
    }
    return { field, direction: 'ASC' };
  }

  #parseOr(depth: number): Expr {
    return this.#junction('OR', () => this.#junction('AND', () => this.#primary(depth)));
  }

  #junction(keyword: 'AND' | 'OR', operand: () => Expr): Expr {
    const terms = [operand()];
    while (this.#isKeyword(this.#peek(), keyword)) {
      this.#next();
      terms.push(operand());
    }
    if (terms.length === 1) return terms[0] as Expr;
    return keyword === 'AND' ? { kind: 'and', terms } : { kind: 'or', terms };
  }

  #primary(depth: number): Expr {
    const t = this.#peek();
    if (t.kind !== 'lparen') return this.#predicate(this.#name());
    if (depth >= MAX_NESTING) throw queryError(`parentheses nested deeper than ${MAX_NESTING} levels`, t.pos);
    this.#next();
    const inner = this.#parseOr(depth + 1);
    this.#expect('rparen', 'expected `)`');
    return inner;
  }

  #predicate(field: FieldRef): Expr {
    const t = this.#next();
    if (t.kind === 'op') return { kind: 'compare', op: t.value as CompareOp, field, opPos: t.pos, value: this.#literal() };
    if (this.#isKeyword(t, 'IS')) {
      const negated = this.#acceptKeyword('NOT');
      this.#expectKeyword('NULL');
      return { kind: 'isNull', negated, field, opPos: t.pos };
    }
    const negated = this.#isKeyword(t, 'NOT');
    const op = negated ? this.#next() : t;
    if (this.#isKeyword(op, 'IN')) return { kind: 'in', negated, field, opPos: t.pos, values: this.#list() };
    if (this.#isKeyword(op, 'STARTS_WITH')) return { kind: 'startsWith', negated, field, opPos: t.pos, value: this.#literal() };
    if (this.#isKeyword(op, 'BETWEEN')) {
      const low = this.#literal();
      this.#expectKeyword('AND');
      return { kind: 'between', negated, field, opPos: t.pos, low, high: this.#literal() };
    }
    throw this.#unexpected(op, negated ? 'expected IN, BETWEEN or STARTS_WITH after NOT' : 'expected an operator');
  }

  #list(): Literal[] {
    this.#expect('lparen', 'expected `(` before the list of values');
    const values = [this.#literal()];
    while (this.#peek().kind === 'comma') {
      this.#next();
      values.push(this.#literal());
    }
    this.#expect('rparen', 'expected `,` or `)`');
    return values;
  }

  #literal(): Literal {
    const t = this.#next();
    if (t.kind === 'string') return { kind: 'string', value: t.value, raw: t.raw, pos: t.pos };
    if (t.kind === 'number') return { kind: 'number', value: Number(t.value), raw: t.raw, pos: t.pos };
    if (this.#isKeyword(t, 'TRUE') || this.#isKeyword(t, 'FALSE')) return { kind: 'bool', value: t.value === 'TRUE', raw: t.raw, pos: t.pos };
    throw this.#unexpected(t, this.#isKeyword(t, 'NULL') ? 'use IS NULL or IS NOT NULL' : 'expected a value');
  }

  /** A name, or a keyword that cannot be confused with an operator (an attribute may be called `Desc`). */
  #name(): FieldRef {
    const t = this.#next();
    if (t.kind === 'name') return { name: t.value, pos: t.pos };
    if (t.kind === 'keyword' && !OPERATOR_KEYWORDS.has(t.value)) return { name: t.raw, pos: t.pos };
    throw this.#unexpected(t, 'expected a search attribute name');
  }

  #peek(): Token {
    return this.#tokens[this.#at] as Token;
  }

  #next(): Token {
    const t = this.#peek();
    if (t.kind !== 'end') this.#at++;
    return t;
  }

  #isKeyword(t: Token, keyword: string): boolean {
    return t.kind === 'keyword' && t.value === keyword;
  }

  #acceptKeyword(keyword: string): boolean {
    if (!this.#isKeyword(this.#peek(), keyword)) return false;
    this.#next();
    return true;
  }

  #expectKeyword(keyword: string): void {
    const t = this.#next();
    if (!this.#isKeyword(t, keyword)) throw this.#unexpected(t, `expected ${keyword}`);
  }

  #expect(kind: Token['kind'], hint: string): void {
    const t = this.#next();
    if (t.kind !== kind) throw this.#unexpected(t, hint);
  }

  #unexpected(t: Token, hint?: string): VisibilityError {
    return queryError(t.kind === 'end' ? 'unexpected end of query' : `unexpected ${quote(t.raw)}`, t.pos, hint);
  }
}
