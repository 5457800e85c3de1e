import type { AgentModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

export const agents: Resolver<Record<string, never>, AgentModel[]> = (_p, _a, ctx) => ctx.services.agents.list(ctx.viewer);
