/**
 * @module Who may do what. Every resolver asks here before it reads or writes: roles decide the
 * operation, the viewer's tenant bounds the data. Something outside the viewer's reach is reported as
 * NOT_FOUND, never FORBIDDEN, so that ids from other tenants (or other agents) reveal nothing.
 */
import { ROLES, type Role } from '../governance/identity/roles.js';
import type { AgentIdentity } from '../governance/types.js';
import { InterceptorError } from '../lib/errors.js';

export { ROLES };
export type { Role };

/** The authenticated caller of one request. */
export interface Viewer {
  /** Agent id for agents, the key's subject for people and services. */
  id: string;
  kind: 'agent' | 'user';
  roles: readonly Role[];
  /** Null only for the platform administrator (the bootstrap key), who spans every tenant. */
  tenant: string | null;
  platformAdmin: boolean;
  agentId?: string;
  /** `jti` of the agent credential that authenticated this request. */
  credentialId?: string;
  /** The verified identity of an agent credential (capabilities, key id, expiry). */
  agent?: AgentIdentity;
  /** Key id of the API key that authenticated this request. */
  apiKeyId?: string;
  /** Delegation chain of an agent credential, outermost first. */
  actingFor: readonly string[];
}

/** Throws UNAUTHENTICATED when the request carried no valid credential. */
export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw new InterceptorError('UNAUTHENTICATED', 'authentication required: send `Authorization: Bearer <token>`');
  return viewer;
}

export function hasRole(viewer: Viewer, role: Role): boolean {
  return viewer.roles.includes(role);
}

/** Throws FORBIDDEN unless the viewer holds one of `roles`. */
export function requireRole(viewer: Viewer | null, ...roles: Role[]): Viewer {
  const v = requireViewer(viewer);
  if (!roles.some((r) => hasRole(v, r))) {
    throw new InterceptorError('FORBIDDEN', `this operation requires the role ${roles.map((r) => `\`${r}\``).join(' or ')}`);
  }
  return v;
}

/**
 * The tenant a write applies to. Platform administrators must name it; everyone else writes to
 * their own tenant, and naming another one is FORBIDDEN.
 */
export function writeTenant(viewer: Viewer, requested: string | null | undefined): string {
  if (viewer.platformAdmin) {
    if (!requested) throw new InterceptorError('BAD_USER_INPUT', 'the platform administrator must name a `tenant`', { issues: [{ path: 'tenant', message: 'required for the platform administrator' }] });
    return requested;
  }
  if (requested && requested !== viewer.tenant) throw new InterceptorError('FORBIDDEN', `cannot act on tenant \`${requested}\``);
  return viewer.tenant!;
}

/**
 * The tenant a read is bounded to: null means every tenant (platform administrator without a
 * filter). A non-platform viewer naming another tenant is FORBIDDEN.
 */
export function readTenant(viewer: Viewer, requested?: string | null): string | null {
  if (viewer.platformAdmin) return requested ?? null;
  if (requested && requested !== viewer.tenant) throw new InterceptorError('FORBIDDEN', `cannot read tenant \`${requested}\``);
  return viewer.tenant;
}

/** True when the viewer may see data of `tenant`. */
export function inTenant(viewer: Viewer, tenant: string): boolean {
  return viewer.platformAdmin || viewer.tenant === tenant;
}

/** Investigators, admins and the platform administrator read everything of their tenant. */
export function readsWholeTenant(viewer: Viewer): boolean {
  return viewer.platformAdmin || hasRole(viewer, 'investigator') || hasRole(viewer, 'admin');
}

/** Agents read their own tasks; investigators and admins read every task of their tenant. */
export function canReadTask(viewer: Viewer, task: { tenant: string; agentId: string }): boolean {
  if (!inTenant(viewer, task.tenant)) return false;
  if (readsWholeTenant(viewer)) return true;
  return hasRole(viewer, 'agent') && viewer.agentId === task.agentId;
}

/** Approvers, investigators and admins see the approvals of their tenant. */
export function canReadApprovals(viewer: Viewer, tenant: string): boolean {
  return inTenant(viewer, tenant) && (readsWholeTenant(viewer) || hasRole(viewer, 'approver'));
}

export function notFound(what: string, id: string): InterceptorError {
  return new InterceptorError('NOT_FOUND', `${what} \`${id}\` not found`);
}
