import { requireViewer } from '../../access.js';
import type { Resolver } from '../types.js';

export interface ViewerModel {
  id: string;
  kind: 'AGENT' | 'USER';
  roles: string[];
  tenant: string | null;
  platformAdmin: boolean;
  agentId: string | null;
}

/** Who the bearer token belongs to. */
export const viewer: Resolver<Record<string, never>, ViewerModel> = (_p, _a, ctx) => {
  const v = requireViewer(ctx.viewer);
  return {
    id: v.id,
    kind: v.kind === 'agent' ? 'AGENT' : 'USER',
    roles: v.roles.map((r) => r.toUpperCase()),
    tenant: v.tenant,
    platformAdmin: v.platformAdmin,
    agentId: v.agentId ?? null,
  };
};
