import { parseOrFail } from '../../../lib/validation.js';
import { z } from 'zod';
import { IdSchema } from '../../inputs.js';
import type { TaskEventModel } from '../../services/types.js';
import type { SubscriptionResolver } from '../types.js';

/** Changes of one task over SSE; access is checked once, before the stream opens. */
export const taskEvents: SubscriptionResolver<{ taskId: string }, TaskEventModel> = {
  subscribe: (_p, args, ctx) => {
    const { taskId } = parseOrFail(z.object({ taskId: IdSchema }), args, 'arguments');
    return ctx.services.events.taskEvents(ctx.viewer, taskId);
  },
  resolve: (payload) => payload,
};
