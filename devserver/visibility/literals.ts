/**
 * @module Query values converted to the comparable form of the attribute they are compared with.
 * Numbers may be written as numbers or quoted; Datetime as RFC 3339 or epoch nanoseconds; Bool as
 * true/false (quoted or not); ExecutionStatus by name, case-insensitively.
 */
import type { Literal } from './ast.js';
import { queryError, quote } from './errors.js';
import type { Comparable, Field } from './fields.js';
import { nanosToMicros, parseDurationNanos, parseRfc3339 } from './time-values.js';
import { EXECUTION_STATUSES } from './types.js';

const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const STATUS_BY_LOWER = new Map(EXECUTION_STATUSES.map((s) => [s.toLowerCase(), s]));

/** Convert a literal for `field`; throws INVALID_ARGUMENT at the literal's position. */
export function coerceLiteral(field: Field, lit: Literal): Exclude<Comparable, readonly string[]> {
  const value = convert(field, lit);
  if (value === undefined) {
    const what = field.duration ? 'duration' : field.kind;
    throw queryError(`value ${quote(lit.value)} is not a valid ${what} for ${quote(field.name)}`, lit.pos);
  }
  return value;
}

function convert(field: Field, lit: Literal): string | number | boolean | undefined {
  const { value } = lit;
  switch (field.kind) {
    case 'Keyword':
    case 'Text':
    case 'KeywordList':
      return typeof value === 'string' ? value : undefined;
    case 'ExecutionStatus':
      return typeof value === 'string' ? STATUS_BY_LOWER.get(value.toLowerCase()) : undefined;
    case 'Int':
      return field.duration ? toDuration(value) : toInteger(value);
    case 'Double':
      return toNumber(value);
    case 'Bool':
      return toBool(value);
    case 'Datetime':
      return toMicros(value);
  }
}

function toInteger(value: Literal['value']): number | undefined {
  const n = typeof value === 'string' && INTEGER.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

function toNumber(value: Literal['value']): number | undefined {
  const n = typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function toBool(value: Literal['value']): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const lower = typeof value === 'string' ? value.toLowerCase() : '';
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

function toMicros(value: Literal['value']): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? nanosToMicros(value) : undefined;
  return typeof value === 'string' ? parseRfc3339(value)?.micros : undefined;
}

function toDuration(value: Literal['value']): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  return INTEGER.test(value) ? Number(value) : parseDurationNanos(value);
}
