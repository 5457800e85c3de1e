import { parseOrFail } from '../../../lib/validation.js';
import { PageArgsSchema } from '../../inputs.js';
import type { ApprovalModel } from '../../schema/models.js';
import type { Resolver } from '../types.js';

export const pendingApprovals: Resolver<{ first?: number | null }, ApprovalModel[]> = (_p, args, ctx) => {
  const { first } = parseOrFail(PageArgsSchema.pick({ first: true }), args, 'arguments');
  return ctx.services.approvals.pending(ctx.viewer, first);
};
