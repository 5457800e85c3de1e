/**
 * @module Errors as data. Every module reports failures as a value with a stable `code`; callers
 * branch on `code`, never on `instanceof` (it breaks across the workflow sandbox and duplicate installs).
 */

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'BUDGET_EXCEEDED'
  | 'RATE_LIMITED'
  | 'POLICY_DENIED'
  | 'PAYLOAD_TOO_LARGE'
  | 'POLICY_INVALID'
  | 'INTERNAL';

export interface Issue {
  /** Where the problem is: a dotted path, a JSON pointer or a `line:column` position. */
  path: string;
  message: string;
}

/** A failure a caller can act on. Messages: one sentence, no capital, no final period. */
export class InterceptorError extends Error {
  readonly code: ErrorCode;
  readonly issues: Issue[];
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: { issues?: Issue[]; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'InterceptorError';
    this.code = code;
    this.issues = opts.issues ?? [];
    this.details = opts.details ?? {};
  }
}

/** True for any InterceptorError-shaped value, including ones that crossed a realm boundary. */
export function isInterceptorError(e: unknown): e is InterceptorError {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'InterceptorError' && typeof (e as { code?: unknown }).code === 'string';
}
