import type { z } from 'zod';
import { parseOrFail } from '../../../lib/validation.js';
import { PageArgsSchema, TaskFilterSchema } from '../../inputs.js';
import type { Connection, TaskModel } from '../../schema/models.js';
import type { Resolver } from '../types.js';

const ArgsSchema = PageArgsSchema.extend({ filter: TaskFilterSchema });

export const tasks: Resolver<z.input<typeof ArgsSchema>, Connection<TaskModel>> = (_p, args, ctx) => {
  const { filter, first, after } = parseOrFail(ArgsSchema, args, 'arguments');
  return ctx.services.tasks.list(ctx.viewer, filter, { first, after });
};
