/**
 * The product's real path in this process, for tests that need more than the API alone: the embedded
 * Temporal service, the real database, the governed-task worker with the real activities, and the
 * GraphQL API listening on a port, with the demo tenant seeded.
 */
import type { RateLimit } from '../../lib/rate-limit.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { sha256Hex } from '../../api/auth.js';
import { listen, type ListeningApi } from '../../api/server.js';
import { createTemporalGateway } from '../../api/services/workflows.js';
import { createPgStore } from '../../api/store/pg-store.js';
import { createApi, type ComposedApi } from '../../api/yoga.js';
import { createMetricsSource } from '../../app/metrics-source.js';
import { seedDemo, type DemoSecrets } from '../../app/seed.js';
import { startGovernedWorker, type WorkerHandle } from '../../app/worker.js';
import { startDevServer, type DevServer } from '../../devserver/index.js';
import { SEARCH_ATTRIBUTES } from '../../workflows/messages.js';
import { backends, openTestDatabase, type TestDatabase } from '../db/helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- GraphQL answers are read loosely in tests
export type Json = any;

export interface RealApi {
  url: string;
  adminToken: string;
  demo: DemoSecrets;
  db: TestDatabase;
  api: ComposedApi;
  dataDir: string;
  /** A Temporal client on the embedded service (to read histories). */
  temporal: Client;
  /** POST a GraphQL document; the answer with its HTTP status. */
  gql(token: string | null, query: string, variables?: Json): Promise<Json>;
  /** Like gql, but throws on errors and answers `data`. */
  ok(token: string, query: string, variables?: Json): Promise<Json>;
  close(): Promise<void>;
}

export async function startRealApi(opts: { taskQueue: string; adminToken?: string; submitWaitMs?: number; maxPendingApprovals?: number; rateLimit?: RateLimit }): Promise<RealApi> {
  const adminToken = opts.adminToken ?? 'real-api-admin-token-0123456789abcdef';
  const dataDir = await mkdtemp(join(tmpdir(), 'interceptor-real-'));
  const server: DevServer = await startDevServer({ port: 0, searchAttributes: { ...SEARCH_ATTRIBUTES } });
  const db = await openTestDatabase(backends()[0]!);
  const connection = await Connection.connect({ address: server.address });
  const store = createPgStore(db.pool);
  const noop = () => undefined;
  const api = createApi({
    store, workflows: createTemporalGateway(new Client({ connection, namespace: 'default' }), { taskQueue: opts.taskQueue }), bootstrapTokenHash: sha256Hex(adminToken),
    metricsSource: createMetricsSource(db.pool), logger: { debug: noop, info: noop, warn: noop, error: noop },
    config: { submitWaitMs: opts.submitWaitMs ?? 2000, feedIntervalMs: 100 },
    ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
  });
  await api.identity.ensureSigningKey();
  await api.services.evidence.ensureKey();
  const worker: WorkerHandle = await startGovernedWorker({ address: server.address, namespace: 'default', taskQueue: opts.taskQueue, pool: db.pool, dataDir, logger: { error: noop }, publish: (e) => api.notify(e), ...(opts.maxPendingApprovals ? { maxPendingApprovals: opts.maxPendingApprovals } : {}) });
  const demo = await seedDemo(api.services, store, dataDir);
  const http: ListeningApi = await listen(api, { port: 0, host: '127.0.0.1' });

  const gql = async (token: string | null, query: string, variables?: Json): Promise<Json> => {
    const res = await fetch(http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { ...((await res.json()) as Json), status: res.status };
  };
  return {
    url: http.url, adminToken, demo, db, api, dataDir, gql, temporal: new Client({ connection, namespace: 'default' }),
    async ok(token, query, variables) {
      const r = await gql(token, query, variables);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data;
    },
    async close() {
      await http.close();
      await worker.shutdown();
      api.close();
      await connection.close();
      await server.close();
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
