import { parseOrFail } from '../../../lib/validation.js';
import { ReportToolResultInputSchema } from '../../inputs.js';
import type { TaskModel } from '../../schema/models.js';
import type { Resolver } from '../types.js';

export const reportToolResult: Resolver<{ input: unknown }, TaskModel> = (_p, args, ctx) => {
  const input = parseOrFail(ReportToolResultInputSchema, args.input, 'input');
  return ctx.services.tasks.reportResult(ctx.viewer, input);
};
