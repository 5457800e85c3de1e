/**
 * @module Compiling a parsed filter into one predicate over rows. Names, operators and values are
 * checked here, once; the returned closure does no parsing. A row whose attribute is unset matches
 * only IS NULL: every comparison with an unset value is false, `!=` and NOT forms included (as in
 * Temporal's SQL visibility stores). KeywordList `=` means "contains"; IN means "contains any".
 */
import type { CompareOp, Expr, Literal } from './ast.js';
import { queryError, quote } from './errors.js';
import { resolveField, type Comparable, type Field, type ValueKind } from './fields.js';
import { coerceLiteral } from './literals.js';
import type { SearchAttributeRegistry } from './registry.js';
import { textMatcher } from './text-match.js';
import type { VisibilityRow } from './types.js';

export type RowPredicate = (row: VisibilityRow) => boolean;
type Scalar = string | number | boolean;
type Test = (v: Comparable) => boolean;

const ORDERED: ReadonlySet<ValueKind> = new Set(['Keyword', 'Int', 'Double', 'Datetime']);
const LISTABLE: ReadonlySet<ValueKind> = new Set(['Keyword', 'Int', 'Double', 'Datetime', 'Bool', 'ExecutionStatus', 'KeywordList']);

/** Compile a filter expression; throws INVALID_ARGUMENT naming the name, operator or value at fault. */
export function compilePredicate(expr: Expr, registry: SearchAttributeRegistry): RowPredicate {
  if (expr.kind === 'and' || expr.kind === 'or') {
    const parts = expr.terms.map((t) => compilePredicate(t, registry));
    return expr.kind === 'and' ? (row) => parts.every((p) => p(row)) : (row) => parts.some((p) => p(row));
  }
  const field = resolveField(expr.field, registry);
  if (expr.kind === 'isNull') {
    return expr.negated ? (row) => field.read(row) !== undefined : (row) => field.read(row) === undefined;
  }
  const test = compileTest(expr, field);
  const negated = 'negated' in expr && expr.negated;
  return (row) => {
    const v = field.read(row);
    return v !== undefined && test(v) !== negated;
  };
}

function compileTest(expr: Exclude<Expr, { kind: 'and' | 'or' | 'isNull' }>, field: Field): Test {
  switch (expr.kind) {
    case 'compare':
      return compareTest(expr.op, field, expr.value, expr.opPos);
    case 'in': {
      requireKind(field, LISTABLE, expr.negated ? 'NOT IN' : 'IN', expr.opPos);
      const wanted = new Set<Scalar>(expr.values.map((v) => coerceLiteral(field, v)));
      return field.kind === 'KeywordList' ? (v) => (v as string[]).some((x) => wanted.has(x)) : (v) => wanted.has(v as Scalar);
    }
    case 'between': {
      requireKind(field, ORDERED, expr.negated ? 'NOT BETWEEN' : 'BETWEEN', expr.opPos);
      const low = coerceLiteral(field, expr.low);
      const high = coerceLiteral(field, expr.high);
      return (v) => (v as Scalar) >= low && (v as Scalar) <= high;
    }
    case 'startsWith': {
      if (field.kind !== 'Keyword') throw needsKeyword(field, expr.opPos);
      const prefix = coerceLiteral(field, expr.value) as string;
      return (v) => (v as string).startsWith(prefix);
    }
  }
}

function compareTest(op: CompareOp, field: Field, lit: Literal, opPos: number): Test {
  if (op === '=' || op === '!=') {
    const eq = equalityTest(field, lit);
    return op === '=' ? eq : (v) => !eq(v);
  }
  requireKind(field, ORDERED, op, opPos);
  const b = coerceLiteral(field, lit);
  switch (op) {
    case '<': return (v) => (v as Scalar) < b;
    case '<=': return (v) => (v as Scalar) <= b;
    case '>': return (v) => (v as Scalar) > b;
    case '>=': return (v) => (v as Scalar) >= b;
  }
}

function equalityTest(field: Field, lit: Literal): Test {
  const b = coerceLiteral(field, lit);
  if (field.kind === 'Text') {
    const matches = textMatcher(b as string);
    return (v) => matches(v as string);
  }
  if (field.kind === 'KeywordList') return (v) => (v as readonly string[]).includes(b as string);
  return (v) => v === b;
}

function requireKind(field: Field, allowed: ReadonlySet<ValueKind>, op: string, pos: number): void {
  if (allowed.has(field.kind)) return;
  const what = field.kind === 'ExecutionStatus' ? quote(field.name) : `${field.kind} attribute ${quote(field.name)}`;
  throw queryError(`operator \`${op}\` is not supported for ${what}`, pos);
}

function needsKeyword(field: Field, pos: number): ReturnType<typeof queryError> {
  const article = /^[AEIOU]/.test(field.kind) ? 'an' : 'a';
  return queryError(`operator \`STARTS_WITH\` needs a Keyword attribute, ${quote(field.name)} is ${article} ${field.kind} attribute`, pos);
}
