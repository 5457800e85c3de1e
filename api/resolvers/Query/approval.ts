import { parseOrFail } from '../../../lib/validation.js';
import { IdArgSchema } from '../../inputs.js';
import type { ApprovalModel } from '../../schema/models.js';
import type { Resolver } from '../types.js';

export const approval: Resolver<{ id: string }, ApprovalModel | null> = (_p, args, ctx) => {
  const { id } = parseOrFail(IdArgSchema, args, 'arguments');
  return ctx.services.approvals.get(ctx.viewer, id);
};
