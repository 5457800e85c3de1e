import { DecideApprovalInputSchema, parseInput } from '../../inputs.js';
import type { ApprovalModel } from '../../schema/models.js';
import type { Resolver } from '../types.js';

/** Approvers release or refuse a held step; recorded atomically, audited, then signalled to the task. */
export const decideApproval: Resolver<{ input: unknown }, ApprovalModel> = (_p, args, ctx) => {
  const input = parseInput(DecideApprovalInputSchema, args);
  return ctx.services.approvals.decide(ctx.viewer, input);
};
