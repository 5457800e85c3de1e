/**
 * @module Helpers for turning rows into domain values. JSON columns are read back through zod:
 * a value that no longer matches its schema is corruption (or a migration bug), never user error,
 * so it becomes INTERNAL rather than BAD_USER_INPUT.
 */
import type { z } from 'zod';
import { InterceptorError } from '../lib/errors.js';
import { zodIssues } from '../lib/validation.js';

/** Parse a JSON column with its schema; throws INTERNAL naming the column when it does not match. */
export function readJson<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new InterceptorError('INTERNAL', `stored \`${what}\` is malformed`, { issues: zodIssues(r.error) });
}

/** Timestamps leave the database layer as ISO-8601 strings. */
export function iso(d: Date): string {
  return d.toISOString();
}

export function isoOrNull(d: Date | null): string | null {
  return d === null ? null : d.toISOString();
}

/** Serialise a value for a `$n::jsonb` parameter (pg would otherwise send arrays as Postgres arrays). */
export function jsonParam(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** Numeric columns arrive as strings (exact decimals); amounts in this service fit a double. */
export function num(v: string | number): number {
  return typeof v === 'number' ? v : Number(v);
}

/** True when a pg error is a unique violation, optionally on a named constraint. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as { code?: unknown; constraint?: unknown } | null;
  return err?.code === '23505' && (constraint === undefined || err.constraint === constraint);
}
