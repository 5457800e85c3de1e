/** @module The signed-in session: the API key (sessionStorage only, so it dies with the tab), its client and its viewer. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { createClient, type GraphQLClient } from './api/client.js';
import { VIEWER } from './api/queries.js';
import type { Role, Viewer } from './api/types.js';

const KEY = 'interceptor.apiKey';

export interface Session {
  client: GraphQLClient;
  viewer: Viewer;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

export function hasRole(viewer: Viewer, ...roles: Role[]): boolean {
  return viewer.platformAdmin || roles.some((r) => viewer.roles.includes(r));
}

export function storedKey(): string | null {
  return window.sessionStorage.getItem(KEY);
}

export function forgetKey(): void {
  window.sessionStorage.removeItem(KEY);
}

/** Check a key by asking who it belongs to; keep it only if the server accepts it. */
export async function signIn(key: string, onUnauthenticated: () => void): Promise<{ client: GraphQLClient; viewer: Viewer }> {
  const client = createClient(key.trim(), onUnauthenticated);
  const { viewer } = await client.request<{ viewer: Viewer }>(VIEWER);
  window.sessionStorage.setItem(KEY, key.trim());
  return { client, viewer };
}
