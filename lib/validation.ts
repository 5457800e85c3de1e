/**
 * @module Zod exactly once, at the edge. A ZodError never leaves this file: it becomes an
 * InterceptorError with code BAD_USER_INPUT and one issue per problem, each naming its field.
 */
import type { z } from 'zod';
import { InterceptorError, type Issue } from './errors.js';

function pathOf(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(root)';
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: pathOf(i.path), message: i.message }));
}

/** Parse untrusted input or throw BAD_USER_INPUT naming every offending field. */
export function parseOrFail<S extends z.ZodType>(schema: S, input: unknown, what = 'input'): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = zodIssues(r.error);
  const first = issues[0];
  const summary = first ? `invalid ${what}: \`${first.path}\`: ${first.message}` : `invalid ${what}`;
  throw new InterceptorError('BAD_USER_INPUT', summary, { issues });
}
