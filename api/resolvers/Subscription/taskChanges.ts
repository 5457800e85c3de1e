import { z } from 'zod';
import { parseOrFail } from '../../../lib/validation.js';
import { TenantSchema } from '../../inputs.js';
import type { TaskChangeModel } from '../../services/types.js';
import type { SubscriptionResolver } from '../types.js';

/** Changes of the tasks the viewer may list, over SSE; access is checked once, before the stream opens. */
export const taskChanges: SubscriptionResolver<{ tenant?: string | null }, TaskChangeModel> = {
  subscribe: (_p, args, ctx) => {
    const { tenant } = parseOrFail(z.object({ tenant: TenantSchema.nullish() }), args, 'arguments');
    return ctx.services.events.taskChanges(ctx.viewer, tenant);
  },
  resolve: (payload) => payload,
};
