import { z } from 'zod';
import { parseOrFail } from '../../../lib/validation.js';
import type { ReplayRecord } from '../../../replay/index.js';
import type { Resolver } from '../types.js';

const ArgsSchema = z.object({ taskId: z.string().min(1).max(256) });

/** A task reconstructed from its Temporal history (investigators and admins of its tenant). */
export const replay: Resolver<{ taskId: string }, ReplayRecord & { taskId: string }> = (_p, args, ctx) => {
  const { taskId } = parseOrFail(ArgsSchema, args, 'arguments');
  return ctx.services.replay.get(ctx.viewer, taskId);
};
