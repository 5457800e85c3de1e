import { parseOrFail } from '../../../lib/validation.js';
import { CancelTaskArgsSchema } from '../../inputs.js';
import type { TaskModel } from '../../schema/models.js';
import type { Resolver } from '../types.js';

export const cancelTask: Resolver<{ id: string; reason?: string | null }, TaskModel> = (_p, args, ctx) => {
  const { id, reason } = parseOrFail(CancelTaskArgsSchema, args, 'arguments');
  return ctx.services.tasks.cancel(ctx.viewer, id, reason);
};
