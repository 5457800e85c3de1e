/** @module Opaque Relay cursors for tasks: base64url of `[createdAt, id]`. */
import { z } from 'zod';
import { InterceptorError } from '../../lib/errors.js';

const CursorSchema = z.tuple([z.iso.datetime(), z.string().min(1).max(256)]);

export function encodeCursor(task: { createdAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([task.createdAt, task.id])).toString('base64url');
}

/** Decode a cursor from a client; anything we did not issue is BAD_USER_INPUT naming the argument. */
export function decodeCursor(cursor: string, argument: string): { createdAt: string; id: string } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const r = CursorSchema.safeParse(value);
  if (!r.success) throw new InterceptorError('BAD_USER_INPUT', `invalid \`${argument}\` cursor`, { issues: [{ path: argument, message: 'must be a cursor from a previous page' }] });
  return { createdAt: r.data[0], id: r.data[1] };
}
