import { SetBudgetInputSchema, parseInput } from '../../inputs.js';
import type { BudgetModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

export const setBudget: Resolver<{ input: unknown }, BudgetModel> = (_p, args, ctx) => {
  const input = parseInput(SetBudgetInputSchema, args);
  return ctx.services.budgets.set(ctx.viewer, input);
};
