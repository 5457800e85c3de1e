/**
 * @module Result order and its keys. An unset value sorts as the greatest (last ascending, first
 * descending, as in SQL). RunId always ends the key, so the order is total and pages are stable.
 */
import type { OrderTerm } from './ast.js';
import { queryError, quote } from './errors.js';
import { resolveField, type Field } from './fields.js';
import type { SearchAttributeRegistry } from './registry.js';
import { EXECUTION_STATUSES, type VisibilityRow } from './types.js';

export type KeyPart = string | number | boolean | null;
export type SortKey = KeyPart[];

export interface Ordering {
  /** `number`, `string` or `boolean` per key part: a page token's key must have these types. */
  readonly partTypes: readonly ('number' | 'string' | 'boolean')[];
  readonly key: (row: VisibilityRow) => SortKey;
  readonly compare: (a: SortKey, b: SortKey) => number;
}

interface Term {
  readonly read: (row: VisibilityRow) => KeyPart;
  readonly type: 'number' | 'string' | 'boolean';
  readonly sign: 1 | -1;
}

const STATUS_RANK = new Map<string, number>(EXECUTION_STATUSES.map((s, i) => [s, i + 1]));

/** The default order: newest start first, then RunId. */
export const DEFAULT_ORDER: readonly { name: string; direction: 'ASC' | 'DESC' }[] = [{ name: 'StartTime', direction: 'DESC' }];

/** Build the ordering for ORDER BY terms (or the default); throws INVALID_ARGUMENT for Text/KeywordList. */
export function compileOrdering(terms: readonly OrderTerm[], registry: SearchAttributeRegistry): Ordering {
  const given = terms.length > 0 ? terms : DEFAULT_ORDER.map((t) => ({ field: { name: t.name, pos: 0 }, direction: t.direction }));
  const compiled = given.map((t) => compileTerm(t, registry));
  if (!compiled.some((t) => t.name === 'RunId')) compiled.push(compileTerm({ field: { name: 'RunId', pos: 0 }, direction: 'ASC' }, registry));
  return {
    partTypes: compiled.map((t) => t.type),
    key: (row) => compiled.map((t) => t.read(row)),
    compare: (a, b) => compareKeys(compiled, a, b),
  };
}

function compileTerm(term: OrderTerm, registry: SearchAttributeRegistry): Term & { name: string } {
  const field = resolveField(term.field, registry);
  if (field.kind === 'Text' || field.kind === 'KeywordList') {
    throw queryError(`cannot ORDER BY ${field.kind} attribute ${quote(field.name)}`, term.field.pos);
  }
  return { name: field.name, read: partReader(field), type: partType(field), sign: term.direction === 'DESC' ? -1 : 1 };
}

function partReader(field: Field): (row: VisibilityRow) => KeyPart {
  if (field.kind === 'ExecutionStatus') return (row) => STATUS_RANK.get(field.read(row) as string) ?? null;
  return (row) => (field.read(row) as KeyPart | undefined) ?? null;
}

function partType(field: Field): Term['type'] {
  if (field.kind === 'Keyword') return 'string';
  return field.kind === 'Bool' ? 'boolean' : 'number';
}

function compareKeys(terms: readonly Term[], a: SortKey, b: SortKey): number {
  for (let i = 0; i < terms.length; i++) {
    const c = comparePart(a[i] ?? null, b[i] ?? null);
    if (c !== 0) return c * (terms[i] as Term).sign;
  }
  return 0;
}

function comparePart(a: KeyPart, b: KeyPart): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}
