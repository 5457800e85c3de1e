/**
 * @module The per-request context: who is asking (authenticated once, before any resolver runs)
 * and the services resolvers call.
 */
import type { YogaInitialContext } from 'graphql-yoga';
import type { Viewer } from './access.js';
import { authenticate, type AuthPorts } from './auth.js';
import type { Services } from './services/types.js';

export interface ApiContext {
  viewer: Viewer | null;
  services: Services;
  request: Request;
}

/** Build yoga's context factory. An invalid bearer token fails the whole request with UNAUTHENTICATED. */
export function createContext(deps: { auth: AuthPorts; services: Services }): (initial: YogaInitialContext) => Promise<ApiContext> {
  return async (initial) => {
    const viewer = await authenticate(initial.request.headers.get('authorization'), deps.auth);
    return { viewer, services: deps.services, request: initial.request };
  };
}
