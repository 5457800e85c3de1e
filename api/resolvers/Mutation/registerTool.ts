import { RegisterToolInputSchema, parseInput } from '../../inputs.js';
import type { ToolModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

export const registerTool: Resolver<{ input: unknown }, ToolModel> = (_p, args, ctx) => {
  const input = parseInput(RegisterToolInputSchema, args);
  return ctx.services.tools.register(ctx.viewer, input);
};
