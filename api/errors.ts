/**
 * @module How errors cross the GraphQL boundary. InterceptorErrors become GraphQL errors with a stable
 * `extensions.code` (and `issues` for bad input); everything else is masked as "Unexpected error." and
 * logged with its cause, so no stack trace, SQL text or internal type name ever reaches a client.
 */
import type { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import { isInterceptorError, type ErrorCode, type InterceptorError } from '../lib/errors.js';

/** The codes a client may see, with the HTTP status used when the error ends the whole request. */
const PUBLIC_CODES: Partial<Record<ErrorCode, { code: string; status: number }>> = {
  BAD_USER_INPUT: { code: 'BAD_USER_INPUT', status: 400 },
  POLICY_INVALID: { code: 'BAD_USER_INPUT', status: 400 },
  UNAUTHENTICATED: { code: 'UNAUTHENTICATED', status: 401 },
  FORBIDDEN: { code: 'FORBIDDEN', status: 403 },
  NOT_FOUND: { code: 'NOT_FOUND', status: 404 },
  CONFLICT: { code: 'CONFLICT', status: 409 },
  BUDGET_EXCEEDED: { code: 'BUDGET_EXCEEDED', status: 429 },
  RATE_LIMITED: { code: 'RATE_LIMITED', status: 429 },
  POLICY_DENIED: { code: 'POLICY_DENIED', status: 403 },
  PAYLOAD_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', status: 413 },
};

export const UNEXPECTED_MESSAGE = 'Unexpected error.';

/** Details a client may see per code; anything else in `details` stays server-side. */
const PUBLIC_DETAILS: Record<string, readonly string[]> = {
  POLICY_DENIED: ['reasons', 'policyIds'],
  BUDGET_EXCEEDED: ['budgetId', 'scope', 'metric', 'window', 'limit', 'used', 'requested'],
  CONFLICT: ['currentStatus'],
  RATE_LIMITED: ['retryAfterMs'],
};

function publicDetails(e: InterceptorError, code: string): Record<string, unknown> {
  const keys = PUBLIC_DETAILS[code] ?? [];
  return Object.fromEntries(keys.filter((k) => k in e.details).map((k) => [k, e.details[k]]));
}

/**
 * Map any thrown value to a GraphQLError. Known InterceptorErrors keep their message and code;
 * anything else returns null so the caller masks it.
 */
export function toGraphQLError(e: unknown, located?: GraphQLError): GraphQLError | null {
  if (!isInterceptorError(e)) return null;
  const mapped = PUBLIC_CODES[e.code];
  if (!mapped) return null;
  const extensions: Record<string, unknown> = { code: mapped.code, ...publicDetails(e, mapped.code) };
  if (mapped.code === 'BAD_USER_INPUT') extensions.issues = e.issues.map((i) => ({ path: i.path, message: i.message }));
  // why: a top-level status only matters when the error ends the request (context or parse phase);
  // yoga uses it then and ignores it for field errors inside a 200 response.
  if (!located?.path) extensions.http = { status: mapped.status, ...retryAfterHeader(e) };
  return createGraphQLError(e.message, { ...locationOf(located), extensions });
}

/** `Retry-After` (whole seconds, rounded up) for an error that says how long to wait. */
function retryAfterHeader(e: InterceptorError): { headers?: Record<string, string> } {
  const ms = e.details.retryAfterMs;
  return typeof ms === 'number' && ms > 0 ? { headers: { 'retry-after': String(Math.ceil(ms / 1000)) } } : {};
}

/** Where an error happened in the operation, copied onto the error that replaces it. */
function locationOf(e: GraphQLError | undefined): Pick<NonNullable<Parameters<typeof createGraphQLError>[1]>, 'nodes' | 'source' | 'positions' | 'path'> {
  return e ? { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path } : {};
}

// why duck typing: yoga and this module may load different copies of graphql-js (CJS vs ESM), and
// instanceof across copies is false.
function isGraphQLErrorLike(e: unknown): e is GraphQLError {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'GraphQLError' && 'extensions' in e;
}

export interface ErrorLogger {
  error(obj: unknown, msg?: string): void;
}

function originalOf(error: unknown): unknown {
  let cur = error;
  while (isGraphQLErrorLike(cur) && cur.originalError) cur = cur.originalError;
  return cur;
}

/**
 * yoga's `maskError`: GraphQL errors raised by graphql-js itself (syntax, validation) and errors
 * already mapped pass through; InterceptorErrors are mapped; the rest become "Unexpected error.".
 */
export function createMaskError(logger: ErrorLogger): (error: unknown, message: string) => Error {
  return (error) => {
    const original = originalOf(error);
    const badVariable = isGraphQLErrorLike(error) ? invalidVariable(error) : null;
    if (badVariable) return badVariable;
    if (isGraphQLErrorLike(original)) return original;
    const located = isGraphQLErrorLike(error) ? error : undefined;
    const mapped = toGraphQLError(original, located);
    if (mapped) return mapped;
    logger.error({ err: original, path: located?.path }, 'unexpected error in a GraphQL operation');
    return createGraphQLError(UNEXPECTED_MESSAGE, { ...locationOf(located), extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  };
}

/**
 * A variable graphql-js could not coerce (a value outside an enum, a string for an Int) as
 * BAD_USER_INPUT naming the field. why: graphql-js puts the field's path only in the outer error
 * (`Variable "$input" got invalid value "X" at "input.wait"; <why>`), and the unwrapping above
 * would keep only the inner `<why>`. Only graphql-js's own coercion errors qualify (no path, an
 * inner GraphQLError that wraps nothing else), so a scalar's internal failure is still masked.
 */
function invalidVariable(error: GraphQLError): GraphQLError | null {
  const inner = error.originalError;
  if (error.path || !isGraphQLErrorLike(inner) || (inner.originalError && !isGraphQLErrorLike(inner.originalError))) return null;
  const suffix = `; ${inner.message}`;
  if (!error.message.endsWith(suffix)) return null;
  const head = error.message.slice(0, -suffix.length);
  // why anchored at the end with a strict path: the echoed value (the client's) may itself contain `at "…"`
  const at = / at "([_A-Za-z]\w*(?:\.[_A-Za-z]\w*|\[\d+\])*)"$/.exec(head);
  const variable = /^Variable "\$([_A-Za-z]\w*)"/.exec(head);
  if (!variable) return null;
  const path = at?.[1] ?? variable[1]!;
  const message = clip(inner.message);
  return createGraphQLError(clip(error.message), { ...locationOf(error), extensions: { code: 'BAD_USER_INPUT', issues: [{ path, message }], http: { status: 400 } } });
}

/** An echoed client value is kept to a readable length. */
function clip(text: string): string {
  return text.length <= 500 ? text : `${text.slice(0, 497)}...`;
}
