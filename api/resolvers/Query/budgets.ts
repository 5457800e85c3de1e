import { z } from 'zod';
import { parseOrFail } from '../../../lib/validation.js';
import { TenantSchema } from '../../inputs.js';
import type { BudgetModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

export const budgets: Resolver<{ tenant?: string | null }, BudgetModel[]> = (_p, args, ctx) => {
  const { tenant } = parseOrFail(z.object({ tenant: TenantSchema.nullable().optional() }), args, 'arguments');
  return ctx.services.budgets.list(ctx.viewer, tenant);
};
