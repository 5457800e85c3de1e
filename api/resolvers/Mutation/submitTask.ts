import { SubmitTaskInputSchema, parseInput } from '../../inputs.js';
import type { TaskModel } from '../../schema/models.js';
import type { Resolver } from '../types.js';

/** Agents submit a plan or raw model output; the first decisions come back when known quickly. */
export const submitTask: Resolver<{ input: unknown }, TaskModel> = (_p, args, ctx) => {
  const input = parseInput(SubmitTaskInputSchema, args);
  return ctx.services.tasks.submit(ctx.viewer, input);
};
