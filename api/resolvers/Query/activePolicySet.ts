import { z } from 'zod';
import { parseOrFail } from '../../../lib/validation.js';
import { TenantSchema } from '../../inputs.js';
import type { PolicySetModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

export const activePolicySet: Resolver<{ tenant?: string | null }, PolicySetModel | null> = (_p, args, ctx) => {
  const { tenant } = parseOrFail(z.object({ tenant: TenantSchema.nullable().optional() }), args, 'arguments');
  return ctx.services.policies.active(ctx.viewer, tenant);
};
