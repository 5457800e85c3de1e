/**
 * @module Which tenant's data the screens show. Everyone but the platform administrator is bound to
 * their key's tenant; the platform administrator (an admin key without a tenant) picks one, or looks
 * across all of them. The pick lives in sessionStorage, like the key, so it ends with the tab.
 */
import { createContext } from 'preact';
import { useContext, useState } from 'preact/hooks';
import { KNOWN_TENANTS } from './api/queries.js';
import { useLoad } from './hooks.js';
import { useSession } from './session.js';

const KEY = 'interceptor.tenant';

export interface TenantScope {
  /** The tenant the screens are scoped to; null only for the platform administrator looking at every tenant. */
  tenant: string | null;
  /** Whether the viewer may switch tenants (the platform administrator only). */
  canPick: boolean;
  pick(tenant: string | null): void;
}

export const TenantContext = createContext<TenantScope>({ tenant: null, canPick: false, pick: () => undefined });

export const useTenant = (): TenantScope => useContext(TenantContext);

/** The scope for the signed-in viewer; state for the platform administrator's pick. */
export function useTenantScope(viewerTenant: string | null, platformAdmin: boolean): TenantScope {
  const [picked, setPicked] = useState<string | null>(() => (platformAdmin ? window.sessionStorage.getItem(KEY) : null));
  if (!platformAdmin) return { tenant: viewerTenant, canPick: false, pick: () => undefined };
  return {
    tenant: picked,
    canPick: true,
    pick: (t) => {
      if (t) window.sessionStorage.setItem(KEY, t);
      else window.sessionStorage.removeItem(KEY);
      setPicked(t);
    },
  };
}

/** The platform administrator's tenant picker: a combo box of known tenants that also takes any typed name. */
export function TenantPicker() {
  const { client } = useSession();
  const scope = useTenant();
  const [draft, setDraft] = useState(scope.tenant ?? '');
  const known = useLoad(async (s) => {
    const d = await client.request<{ policySets: { tenant: string }[]; tasks: { edges: { node: { tenant: string } }[] } }>(KNOWN_TENANTS, {}, s);
    return [...new Set([...d.policySets.map((p) => p.tenant), ...d.tasks.edges.map((e) => e.node.tenant)])].sort();
  }, [client]);
  const apply = (e: Event) => {
    e.preventDefault();
    scope.pick(draft.trim() || null);
  };
  return (
    <form class="tenant-picker" onSubmit={apply}>
      <label for="tenant-pick">Tenant</label>
      <input id="tenant-pick" list="tenant-options" value={draft} placeholder="all tenants" size={12}
        onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
        onChange={(e) => { const v = (e.target as HTMLInputElement).value.trim(); scope.pick(v || null); }} />
      <datalist id="tenant-options">{(known.data ?? []).map((t) => <option key={t} value={t} />)}</datalist>
      <button type="submit">Show</button>
    </form>
  );
}
