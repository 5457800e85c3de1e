import { z } from 'zod';
import { parseOrFail } from '../../../lib/validation.js';
import { IdSchema } from '../../inputs.js';
import type { ChainVerificationModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

export const verifyAuditChain: Resolver<{ taskId: string }, ChainVerificationModel> = (_p, args, ctx) => {
  const { taskId } = parseOrFail(z.object({ taskId: IdSchema }), args, 'arguments');
  return ctx.services.audit.verify(ctx.viewer, taskId);
};
