/**
 * @module Search attribute values as stored: validation of what a client or workflow sets, and the
 * canonical form kept in `VisibilityRow.searchAttributes` (Keyword/Text: string, Int/Double: number,
 * Bool: boolean, Datetime: UTC RFC 3339 string, KeywordList: string[]). `null` means "unset".
 */
import { VisibilityError, quote } from './errors.js';
import { parseRfc3339 } from './time-values.js';
import type { SearchAttributeType } from './types.js';

/** Temporal's default per-value limit (2 KiB of encoded JSON). */
export const MAX_VALUE_BYTES = 2048;
/** Temporal's default limit on all search attributes of one run together (40 KiB). */
export const MAX_TOTAL_BYTES = 40 * 1024;
const INT64_LIMIT = 2 ** 63;

/**
 * Check and canonicalise one value for an attribute of `type`. Accepts the legacy SDK shape too (a
 * one-element array for a scalar type); an empty array or null unsets. Throws INVALID_ARGUMENT.
 */
export function normaliseValue(name: string, type: SearchAttributeType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value) && type !== 'KeywordList') {
    if (value.length === 0) return null;
    if (value.length === 1) return normaliseValue(name, type, value[0]);
    throw wrongValue(name, type, value);
  }
  const normalised = canonical(type, value);
  if (normalised === undefined) throw wrongValue(name, type, value);
  if (Array.isArray(normalised) && normalised.length === 0) return null;
  const bytes = Buffer.byteLength(JSON.stringify(normalised));
  if (bytes > MAX_VALUE_BYTES) {
    throw new VisibilityError('INVALID_ARGUMENT', `search attribute ${quote(name)} value is ${bytes} bytes, over the limit of ${MAX_VALUE_BYTES}`);
  }
  return normalised;
}

function canonical(type: SearchAttributeType, value: unknown): unknown {
  switch (type) {
    case 'Keyword':
    case 'Text':
      return typeof value === 'string' ? value : undefined;
    case 'Int':
      return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < INT64_LIMIT ? value : undefined;
    case 'Double':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'Bool':
      return typeof value === 'boolean' ? value : undefined;
    case 'Datetime':
      return canonicalDatetime(value);
    case 'KeywordList':
      return canonicalKeywordList(value);
  }
}

function canonicalDatetime(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return typeof value === 'string' ? parseRfc3339(value)?.normalised : undefined;
}

function canonicalKeywordList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return undefined;
  return [...(value as string[])];
}

function wrongValue(name: string, type: SearchAttributeType, value: unknown): VisibilityError {
  return new VisibilityError('INVALID_ARGUMENT', `search attribute ${quote(name)} of type ${type} cannot hold ${quote(value)}`);
}
