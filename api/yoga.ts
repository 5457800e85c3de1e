/**
 * @module Builds the GraphQL server: schema.graphql + resolvers, per-request context, error masking,
 * request limits (body size, depth, aliases, field count), GraphiQL at /graphql, `/healthz` and
 * `/metrics`. `main` only has to listen.
 */
import { readFileSync } from 'node:fs';
import { Kind, type DocumentNode } from 'graphql';
import { createSchema, createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { ApiContext } from './context.js';
import { createRateLimiter, type RateLimit } from '../lib/rate-limit.js';
import { createContext } from './context.js';
import type { AuthPorts } from './auth.js';
import { createMaskError, type ErrorLogger } from './errors.js';
import { DEFAULT_MAX_BODY_BYTES, useBodyLimit } from './limits/body-limit.js';
import { DEFAULT_QUERY_LIMITS, queryLimitsRule, type QueryLimits } from './limits/query-limits.js';
import { createMetrics, type Metrics, type MetricsSource } from './metrics.js';
import { resolvers } from './resolvers/index.js';
import { ChangeFeed } from './services/change-feed.js';
import type { ServiceConfig } from './services/deps.js';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, createIdentityService, type IdentityService } from './services/identity.js';
import { createServices } from './services/index.js';
import type { ApiStore } from './services/store.js';
import type { Services } from './services/types.js';
import type { WorkflowGateway } from './services/workflows.js';
import { useUi, type UiServing } from './ui.js'; // UI serving (ui/README.md)

export const SCHEMA_PATH = new URL('../schema.graphql', import.meta.url);

export interface ApiLogger extends ErrorLogger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
}

export interface ApiServerDeps {
  services: Services;
  auth: AuthPorts;
  metrics: Metrics;
  logger: ApiLogger;
  /** Liveness of what the API depends on; `/healthz` answers 503 when it reports not ok. */
  health?: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
  maxBodyBytes?: number;
  queryLimits?: QueryLimits;
  graphiql?: boolean;
  /** Serve the Replay Audit UI at `/ui` (and redirect `/` there); off when absent. */
  ui?: UiServing;
  /** The public key set served at `/.well-known/jwks.json` (agent credential and evidence keys); 404 when absent. */
  jwks?: () => Promise<unknown>;
  /** Requests per second (and burst) each credential may make; unlimited when absent. */
  rateLimit?: RateLimit | null;
}

export interface Api {
  yoga: YogaServerInstance<Record<string, unknown>, ApiContext>;
  /** Handle one HTTP request (what tests call, and what the node server adapts to). */
  handle(request: Request): Promise<Response>;
}

function useQueryLimits(limits: QueryLimits): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(queryLimitsRule(limits));
    },
  };
}

function useOperationMetrics(metrics: Metrics): Plugin {
  return {
    onExecute({ args }) {
      const op = (args.document as DocumentNode).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
      const type = op && 'operation' in op ? op.operation : 'unknown';
      return { onExecuteDone: ({ result }) => metrics.countOperation(type, !('errors' in result && result.errors?.length)) };
    },
  };
}

function json(body: unknown, status: number, R: typeof Response): Response {
  return new R(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

export const JWKS_PATH = '/.well-known/jwks.json';

/** The JWKS needs no authentication and holds public keys only; caches may keep it a minute. */
async function jwksResponse(request: Request, jwks: () => Promise<unknown>, logger: ApiLogger, R: typeof Response): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new R(null, { status: 405, headers: { allow: 'GET, HEAD' } });
  try {
    const res = json(await jwks(), 200, R);
    res.headers.set('cache-control', 'public, max-age=60');
    return request.method === 'HEAD' ? new R(null, { status: 200, headers: res.headers }) : res;
  } catch (e) {
    logger.error({ err: e }, 'the key set could not be read');
    return json({ error: 'keys unavailable' }, 503, R);
  }
}

/** `/healthz`, `/metrics` and the JWKS are answered before GraphQL handling. */
function useOperationalRoutes(deps: ApiServerDeps): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname === JWKS_PATH && deps.jwks) return endResponse(await jwksResponse(request, deps.jwks, deps.logger, fetchAPI.Response));
      if (url.pathname === '/healthz') {
        const h = deps.health ? await deps.health().catch(() => ({ ok: false, checks: { health: 'check failed' } })) : { ok: true, checks: {} };
        return endResponse(json({ status: h.ok ? 'ok' : 'unavailable', checks: h.checks }, h.ok ? 200 : 503, fetchAPI.Response));
      }
      if (url.pathname === '/metrics') {
        try {
          const text = await deps.metrics.render();
          return endResponse(new fetchAPI.Response(text, { status: 200, headers: { 'content-type': deps.metrics.registry.contentType } }));
        } catch (e) {
          deps.logger.error({ err: e }, 'metrics collection failed');
          return endResponse(new fetchAPI.Response('metrics unavailable\n', { status: 503 }));
        }
      }
    },
  };
}

/** Build the server from its collaborators; see app/main.ts for the composition. */
export function createApiServer(deps: ApiServerDeps): Api {
  const typeDefs = readFileSync(SCHEMA_PATH, 'utf8');
  const yoga = createYoga<Record<string, unknown>, ApiContext>({
    schema: createSchema<Record<string, unknown> & ApiContext>({ typeDefs, resolvers }),
    context: createContext({ auth: deps.auth, services: deps.services, limiter: deps.rateLimit ? createRateLimiter(deps.rateLimit) : undefined }),
    graphqlEndpoint: '/graphql',
    graphiql: deps.graphiql ?? true,
    landingPage: false,
    // why: same-origin by default; bearer tokens, not cookies, so no cross-site credentials either way.
    cors: false,
    maskedErrors: { maskError: createMaskError(deps.logger), isDev: false },
    logging: {
      debug: (...a: unknown[]) => deps.logger.debug({ args: a }, 'yoga'),
      info: (...a: unknown[]) => deps.logger.info({ args: a }, 'yoga'),
      warn: (...a: unknown[]) => deps.logger.warn({ args: a }, 'yoga'),
      // why: yoga logs every masked or mapped error here; unexpected ones are already logged at error level by maskError.
      error: (...a: unknown[]) => deps.logger.debug({ args: a }, 'yoga'),
    },
    plugins: [
      useOperationalRoutes(deps),
      useBodyLimit(deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
      useQueryLimits(deps.queryLimits ?? DEFAULT_QUERY_LIMITS),
      useOperationMetrics(deps.metrics),
      ...(deps.ui ? [useUi(deps.ui)] : []), // UI serving
    ],
  });
  return { yoga, handle: (request) => Promise.resolve(yoga.fetch(request)) };
}

export const DEFAULT_SERVICE_CONFIG: ServiceConfig = {
  approvalTimeoutMs: 24 * 3_600_000,
  submitWaitMs: 2_000,
  outcomeWaitMs: 10_000,
  feedIntervalMs: 500,
  credentialTtlSeconds: 86_400,
};

export interface ApiDeps {
  store: ApiStore;
  workflows: WorkflowGateway;
  /** SHA-256 hex of the bootstrap administrator token (api/bootstrap-token.ts). */
  bootstrapTokenHash: string;
  metricsSource: MetricsSource;
  logger: ApiLogger;
  config?: Partial<ServiceConfig>;
  identity?: { issuer?: string; audience?: string };
  health?: ApiServerDeps['health'];
  maxBodyBytes?: number;
  queryLimits?: QueryLimits;
  defaultMetrics?: boolean;
  now?: () => Date;
  ui?: UiServing; // UI serving
  /** Requests per second (and burst) each credential may make (`API_RATE_LIMIT`); unlimited when absent. */
  rateLimit?: RateLimit | null;
}

export interface ComposedApi extends Api {
  services: Services;
  identity: IdentityService;
  metrics: Metrics;
  /** Tell subscriptions that a task (and, for approvals, its tenant's queue) changed, instead of waiting for the next poll. */
  notify(change: { tenant: string; taskId: string; kind: string }): void;
  /** Stop background pollers (subscriptions); the caller closes the HTTP server and the stores. */
  close(): void;
}

/** Compose services, authentication and the server from storage, the workflow gateway and configuration. */
export function createApi(deps: ApiDeps): ComposedApi {
  const now = deps.now ?? (() => new Date());
  const config = { ...DEFAULT_SERVICE_CONFIG, ...deps.config };
  const identity = createIdentityService(deps.store, { issuer: deps.identity?.issuer ?? DEFAULT_ISSUER, audience: deps.identity?.audience ?? DEFAULT_AUDIENCE }, now);
  const feed = new ChangeFeed(config.feedIntervalMs, deps.logger);
  const services = createServices({ store: deps.store, workflows: deps.workflows, identity, feed, config, logger: deps.logger, now });
  const metrics = createMetrics(deps.metricsSource, { defaultMetrics: deps.defaultMetrics ?? false });
  const auth = {
    bootstrapTokenHash: deps.bootstrapTokenHash,
    findApiKey: (keyId: string) => deps.store.getApiKey(deps.store.pool, keyId),
    verifyAgentToken: (token: string) => identity.verify(token),
  };
  const api = createApiServer({
    services, auth, metrics, logger: deps.logger, health: deps.health, maxBodyBytes: deps.maxBodyBytes, queryLimits: deps.queryLimits, ui: deps.ui, rateLimit: deps.rateLimit ?? null,
    jwks: () => services.evidence.jwks(),
  });
  const notify = (change: { tenant: string; taskId: string; kind: string }) => {
    feed.poke(`task:${change.taskId}`);
    if (change.kind !== 'decision') for (const prefix of [`tasks:${change.tenant}:`, 'tasks:*:']) feed.pokePrefix(prefix);
    if (change.kind === 'approval') for (const topic of [`approvals:${change.tenant}`, 'approvals:*']) feed.poke(topic);
  };
  return { ...api, services, identity, metrics, notify, close: () => feed.close() };
}
