import type { ToolModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

export const tools: Resolver<Record<string, never>, ToolModel[]> = (_p, _a, ctx) => ctx.services.tools.list(ctx.viewer);
