/**
 * @module Cedar values in JavaScript for the native evaluator. Strings, Longs (always safe
 * integers: anything wider goes to cedar-wasm) and Booleans are plain JS values; entities, sets,
 * records and extension values are small classes so `==` can tell them apart.
 */
import type { Decimal, IpAddr } from './extensions.js';

export class EntityRef {
  /** `type` and `id` joined unambiguously; the key of the entity store. */
  readonly key: string;

  constructor(readonly type: string, readonly id: string) {
    this.key = `${type}\u0000${id}`;
  }
}

export class CedarSet {
  constructor(readonly items: readonly Value[]) {}
}

export class CedarRecord {
  constructor(readonly fields: ReadonlyMap<string, Value>) {}
}

export type Value = string | number | boolean | EntityRef | CedarSet | CedarRecord | Decimal | IpAddr;

/** An entity as the request carries it; `ancestors` is filled lazily by the store. */
export interface Entity {
  uid: EntityRef;
  attrs: ReadonlyMap<string, Value>;
  parents: readonly EntityRef[];
  tags: ReadonlyMap<string, Value>;
}

/** A Cedar evaluation error: the policy does not apply and the decision reports an error. */
export class CedarEvalError extends Error {}

/**
 * The request holds something this evaluator does not represent exactly (a Long beyond 2^53, an
 * unknown JSON escape, ...). why a separate class: the caller must then ask cedar-wasm, never guess.
 */
export class NeedsCedar extends Error {}

/** Cedar `==`: values of different types are unequal (not an error); sets and records compare by content. */
export function valueEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof EntityRef) return b instanceof EntityRef && a.key === b.key;
  if (a instanceof CedarSet) return b instanceof CedarSet && subset(a.items, b.items) && subset(b.items, a.items);
  if (a instanceof CedarRecord) {
    if (!(b instanceof CedarRecord) || a.fields.size !== b.fields.size) return false;
    for (const [k, v] of a.fields) {
      const w = b.fields.get(k);
      if (w === undefined || !valueEquals(v, w)) return false;
    }
    return true;
  }
  return a.equals(b);
}

export function setHas(items: readonly Value[], v: Value): boolean {
  for (const item of items) if (valueEquals(item, v)) return true;
  return false;
}

/** Every element of `small` is in `big`. */
export function subset(small: readonly Value[], big: readonly Value[]): boolean {
  for (const v of small) if (!setHas(big, v)) return false;
  return true;
}

/** The Cedar type name of a value, for error messages. */
export function typeName(v: Value): string {
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return 'long';
    case 'boolean': return 'bool';
    default:
      if (v instanceof EntityRef) return `(entity of type \`${v.type}\`)`;
      if (v instanceof CedarSet) return 'set';
      if (v instanceof CedarRecord) return 'record';
      return v.typeName;
  }
}

export function typeError(expected: string, got: Value): CedarEvalError {
  return new CedarEvalError(`type error: expected ${expected}, got ${typeName(got)}`);
}

export function asBool(v: Value): boolean {
  if (typeof v !== 'boolean') throw typeError('bool', v);
  return v;
}

export function asLong(v: Value): number {
  if (typeof v !== 'number') throw typeError('long', v);
  return v;
}

export function asString(v: Value): string {
  if (typeof v !== 'string') throw typeError('string', v);
  return v;
}

export function asEntity(v: Value): EntityRef {
  if (!(v instanceof EntityRef)) throw typeError('entity', v);
  return v;
}

export function asSet(v: Value): CedarSet {
  if (!(v instanceof CedarSet)) throw typeError('set', v);
  return v;
}

/** A Long result: Cedar errors on i64 overflow; beyond 2^53 this evaluator cannot tell, so cedar-wasm decides. */
export function checkedLong(n: number): number {
  if (!Number.isSafeInteger(n)) throw new NeedsCedar('integer result outside the exactly representable range');
  return n;
}
