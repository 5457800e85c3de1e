/** @module GraphQL `extensions.code` → a sentence a person can act on; raw server text is shown only when it is an expected, coded error. */

export type ErrorCode =
  | 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'BUDGET_EXCEEDED'
  | 'POLICY_DENIED' | 'PAYLOAD_TOO_LARGE' | 'RATE_LIMITED' | 'NETWORK' | 'INTERNAL_SERVER_ERROR' | 'UNKNOWN';

const SUMMARY: Record<ErrorCode, string> = {
  BAD_USER_INPUT: 'Some input was not accepted.',
  UNAUTHENTICATED: 'Your key was not accepted. Sign in again with a valid API key.',
  FORBIDDEN: 'You are not allowed to do this.',
  NOT_FOUND: 'It does not exist, or you may not see it.',
  CONFLICT: 'Someone changed this at the same time; reload to see the current state.',
  BUDGET_EXCEEDED: 'A budget is exhausted.',
  POLICY_DENIED: 'A policy denied this.',
  PAYLOAD_TOO_LARGE: 'The request is too large.',
  RATE_LIMITED: 'Too many requests with this key just now; wait a moment and try again.',
  NETWORK: 'The server could not be reached. Check the connection and try again.',
  INTERNAL_SERVER_ERROR: 'The server hit an unexpected error. It has been logged; try again.',
  UNKNOWN: 'Something went wrong.',
};

export interface Issue {
  path: string;
  message: string;
}

/** An error from the API or the network, reduced to a code, a readable summary and the server's detail when safe to show. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | null;
  readonly issues: Issue[];
  constructor(code: ErrorCode, detail: string | null, issues: Issue[] = []) {
    super(SUMMARY[code]);
    this.code = code;
    this.detail = detail;
    this.issues = issues;
  }
}

const KNOWN = new Set(Object.keys(SUMMARY));

interface RawError {
  message?: unknown;
  extensions?: { code?: unknown; issues?: unknown };
}

/** Build an ApiError from one GraphQL error object; unexpected errors never show their server message. */
export function fromGraphQLError(e: RawError): ApiError {
  const raw = typeof e.extensions?.code === 'string' ? e.extensions.code : 'UNKNOWN';
  const code = (KNOWN.has(raw) ? raw : 'UNKNOWN') as ErrorCode;
  const expected = code !== 'UNKNOWN' && code !== 'INTERNAL_SERVER_ERROR';
  const issues = Array.isArray(e.extensions?.issues)
    ? (e.extensions.issues as unknown[]).filter(isIssue)
    : [];
  return new ApiError(code, expected && typeof e.message === 'string' ? e.message : null, issues);
}

function isIssue(v: unknown): v is Issue {
  return typeof v === 'object' && v !== null && typeof (v as Issue).path === 'string' && typeof (v as Issue).message === 'string';
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof TypeError) return new ApiError('NETWORK', null);
  return new ApiError('UNKNOWN', null);
}
