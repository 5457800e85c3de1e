import { PublishPolicySetInputSchema, parseInput } from '../../inputs.js';
import type { PublishResultModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

/** Validation errors are data in the payload (with line/column), not a GraphQL error. */
export const publishPolicySet: Resolver<{ input: unknown }, PublishResultModel> = (_p, args, ctx) => {
  const input = parseInput(PublishPolicySetInputSchema, args);
  return ctx.services.policies.publish(ctx.viewer, input);
};
