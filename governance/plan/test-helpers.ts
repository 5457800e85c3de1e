/** @module Test helpers for plan extraction (imported by *.test.ts only). */
import { expect } from 'vitest';
import { isInterceptorError, type Issue } from '../../lib/errors.js';

/** Run `fn`, expect an InterceptorError with `code`, and return its issues for assertions. */
export function issuesOf(fn: () => unknown, code = 'BAD_USER_INPUT'): Issue[] {
  try {
    fn();
  } catch (e) {
    if (!isInterceptorError(e)) throw e;
    expect(e.code).toBe(code);
    return e.issues;
  }
  throw new Error('expected an InterceptorError, but the call succeeded');
}

export const chatCall = (id: string, name: string, args: unknown): unknown => ({
  id,
  type: 'function',
  function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args) },
});
