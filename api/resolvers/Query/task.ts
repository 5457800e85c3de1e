import { parseOrFail } from '../../../lib/validation.js';
import { IdArgSchema } from '../../inputs.js';
import type { TaskModel } from '../../schema/models.js';
import type { Resolver } from '../types.js';

/** A task the viewer may read; null otherwise (ids of others' tasks reveal nothing). */
export const task: Resolver<{ id: string }, TaskModel | null> = (_p, args, ctx) => {
  const { id } = parseOrFail(IdArgSchema, args, 'arguments');
  return ctx.services.tasks.get(ctx.viewer, id);
};
