import type { PolicySetModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

export const policySets: Resolver<Record<string, never>, PolicySetModel[]> = (_p, _a, ctx) => ctx.services.policies.list(ctx.viewer);
