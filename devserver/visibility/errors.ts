/**
 * @module Visibility errors as data. The server maps `code` straight onto the gRPC status of the same
 * name; `position` (0-based character offset into the query text) is set for query errors.
 */

export type VisibilityErrorCode = 'INVALID_ARGUMENT' | 'ALREADY_EXISTS' | 'NOT_FOUND';

/** Thrown by every visibility entry point; callers branch on `code`, never on the message. */
export class VisibilityError extends Error {
  readonly code: VisibilityErrorCode;
  readonly position?: number;

  constructor(code: VisibilityErrorCode, message: string, position?: number) {
    super(message);
    this.name = 'VisibilityError';
    this.code = code;
    if (position !== undefined) this.position = position;
  }
}

/** A query error naming the problem and its 0-based position, then optionally what was expected there. */
export function queryError(problem: string, position: number, hint?: string): VisibilityError {
  const tail = hint === undefined ? '' : `: ${hint}`;
  return new VisibilityError('INVALID_ARGUMENT', `invalid query: ${problem} at position ${position}${tail}`, position);
}

/** True for any VisibilityError-shaped value, including one that crossed a realm boundary. */
export function isVisibilityError(e: unknown): e is VisibilityError {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'VisibilityError'
    && typeof (e as { code?: unknown }).code === 'string';
}

/** Quote a user value for a message: backticks, control characters escaped, long values cut. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : JSON.stringify(value) ?? String(value);
  const shown = text.length > 64 ? `${text.slice(0, 61)}...` : text;
  return `\`${shown.replace(/[\u0000-\u001f\u007f`]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\``;
}
