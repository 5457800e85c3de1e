/**
 * @module The per-request context: who is asking (authenticated once, before any resolver runs)
 * and the services resolvers call.
 */
import type { YogaInitialContext } from 'graphql-yoga';
import { InterceptorError } from '../lib/errors.js';
import type { RateLimiter } from '../lib/rate-limit.js';
import type { Viewer } from './access.js';
import { authenticate, type AuthPorts } from './auth.js';
import type { Services } from './services/types.js';

export interface ApiContext {
  viewer: Viewer | null;
  services: Services;
  request: Request;
}

/**
 * Build yoga's context factory. An invalid bearer token fails the whole request with UNAUTHENTICATED;
 * a credential past its rate limit fails it with RATE_LIMITED (HTTP 429 with Retry-After).
 * Refused before any resolver runs, so a refused request changes nothing.
 */
export function createContext(deps: { auth: AuthPorts; services: Services; limiter?: RateLimiter | undefined }): (initial: YogaInitialContext) => Promise<ApiContext> {
  return async (initial) => {
    const viewer = await authenticate(initial.request.headers.get('authorization'), deps.auth);
    // why the platform administrator is exempt: the bootstrap key must always reach the API, to stop a runaway agent among others
    if (viewer && !viewer.platformAdmin && deps.limiter) {
      const taken = deps.limiter.take(rateKeyOf(viewer));
      if (!taken.ok) throw new InterceptorError('RATE_LIMITED', `too many requests from \`${viewer.id}\`: retry in ${taken.retryAfterMs} ms`, { details: { retryAfterMs: taken.retryAfterMs } });
    }
    return { viewer, services: deps.services, request: initial.request };
  };
}

/** One bucket per agent (all its credentials) or per API key subject within its tenant. */
function rateKeyOf(v: Viewer): string {
  return v.kind === 'agent' ? `agent:${v.agentId ?? v.id}` : `user:${v.tenant ?? '*'}:${v.id}`;
}
