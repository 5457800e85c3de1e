import { parseOrFail } from '../../../lib/validation.js';
import { ActivatePolicySetArgsSchema } from '../../inputs.js';
import type { PolicySetModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

/** Roll back (or forward) to a version published earlier. */
export const activatePolicySet: Resolver<{ version: string; tenant?: string | null }, PolicySetModel> = (_p, args, ctx) => {
  const input = parseOrFail(ActivatePolicySetArgsSchema, args, 'arguments');
  return ctx.services.policies.activate(ctx.viewer, input);
};
