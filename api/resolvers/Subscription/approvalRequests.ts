import type { ApprovalModel } from '../../schema/models.js';
import type { SubscriptionResolver } from '../types.js';

/** Approvals of the viewer's tenant as they are requested. */
export const approvalRequests: SubscriptionResolver<Record<string, never>, ApprovalModel> = {
  subscribe: (_p, _a, ctx) => ctx.services.events.approvalRequests(ctx.viewer),
  resolve: (payload) => payload,
};
