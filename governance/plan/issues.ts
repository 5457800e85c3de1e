/** @module Error helpers for plan extraction: every failure is BAD_USER_INPUT with issues naming where. */
import { InterceptorError, type Issue } from '../../lib/errors.js';

/** Throw BAD_USER_INPUT; the message is the first issue's, prefixed by its path. */
export function fail(issues: Issue[], details: Record<string, unknown> = {}): never {
  const first = issues[0];
  const message = first ? `invalid plan: \`${first.path}\`: ${first.message}` : 'invalid plan';
  throw new InterceptorError('BAD_USER_INPUT', message, { issues, details });
}

/** Throw BAD_USER_INPUT for a single problem at `path`. */
export function failAt(path: string, message: string, details: Record<string, unknown> = {}): never {
  return fail([{ path: path === '' ? '(root)' : path, message }], details);
}

/** Join a parent path and a child key the way lib/validation.ts prints zod paths (`a.b[0].c`). */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** Show a user value in backticks without letting it break the message or run on forever. */
export function quote(value: string, max = 64): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return `\`${cut.replace(/`/g, "'").replace(/[\r\n]+/g, ' ')}\``;
}

/** 1-based `line:column` of a UTF-16 index in `text`. */
export function lineColumn(text: string, index: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `${line}:${index - lineStart + 1}`;
}
