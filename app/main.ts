/**
 * @module `interceptor start`: the composition root. With no configuration it runs everything in one
 * process, persistent in the data directory: the embedded Postgres (PGlite), the embedded Temporal
 * service, the worker and the GraphQL API, then seeds the demo tenant. `DATABASE_URL` and
 * `TEMPORAL_ADDRESS` switch to external services. Ctrl-C stops it all in reverse order.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ensureBootstrapToken } from '../api/bootstrap-token.js';
import { listen } from '../api/server.js';
import { createTemporalGateway } from '../api/services/workflows.js';
import { createPgStore } from '../api/store/pg-store.js';
import { createUiServing } from '../api/ui.js'; // UI serving
import { createApi, type ComposedApi } from '../api/yoga.js';
import { loadConfig, type Config } from '../config/env.js';
import { openDatabase, type Database } from '../db/database.js';
import { parseDurationMs } from '../lib/duration.js';
import { parseRateLimit } from '../lib/rate-limit.js';
import { banner } from './banner.js';
import { createLogger } from './logger.js';
import { createMetricsSource } from './metrics-source.js';
import { seedDemo } from './seed.js';
import { startTemporal, type TemporalService } from './temporal.js';
import { startGovernedWorker } from './worker.js';

type Step = () => Promise<void>;

/** Things to undo on shutdown, newest first. */
class Stack {
  private readonly steps: { name: string; run: Step }[] = [];
  push(name: string, run: Step): void {
    this.steps.unshift({ name, run });
  }
  async unwind(log: (msg: string, err?: unknown) => void): Promise<void> {
    for (const s of this.steps.splice(0)) {
      try {
        await s.run();
      } catch (e) {
        log(`could not stop ${s.name}`, e);
      }
    }
  }
}

const progress = (line: string) => process.stdout.write(`${line}\n`);

type Logger = ReturnType<typeof createLogger>;

interface Infrastructure {
  dataDir: string;
  db: Database;
  temporal: TemporalService;
  client: Client;
}

/** Data directory, database (migrated), Temporal service and a client on it. */
async function startInfrastructure(config: Config, stack: Stack, logger: Logger): Promise<Infrastructure> {
  const dataDir = resolve(config.INTERCEPTOR_DATA_DIR);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  progress(`▸ data directory ${dataDir}`);
  const db = await openDatabase({ DATABASE_URL: config.DATABASE_URL, INTERCEPTOR_DATA_DIR: dataDir, PGLITE_PORT: config.PGLITE_PORT });
  stack.push('database', () => db.close());
  progress(`▸ database ready (${db.kind === 'pglite' ? 'embedded PGlite' : 'Postgres'}), migrations applied`);
  const temporal = await startTemporal({ address: config.TEMPORAL_ADDRESS, port: config.TEMPORAL_PORT, namespace: config.TEMPORAL_NAMESPACE, dataDir, logger, logLevel: config.LOG_LEVEL });
  stack.push('temporal', () => temporal.close());
  progress(`▸ temporal ready at ${temporal.address} (${temporal.kind})`);
  const connection = await Connection.connect({ address: temporal.address });
  stack.push('temporal client', () => connection.close());
  return { dataDir, db, temporal, client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }) };
}

function composeApi(config: Config, infra: Infrastructure, adminHash: string, logger: Logger): ComposedApi {
  const { db, temporal } = infra;
  return createApi({
    store: createPgStore(db.pool),
    workflows: createTemporalGateway(infra.client, { taskQueue: config.TEMPORAL_TASK_QUEUE }),
    bootstrapTokenHash: adminHash,
    metricsSource: createMetricsSource(db.pool),
    logger,
    config: { approvalTimeoutMs: parseDurationMs(config.APPROVAL_TIMEOUT) },
    rateLimit: parseRateLimit(config.API_RATE_LIMIT),
    defaultMetrics: true,
    ui: createUiServing({ logger }), // UI serving: builds ui/ when missing or stale, serves /ui
    health: async () => {
      await db.pool.query('SELECT 1');
      return { ok: true, checks: { database: 'ok', temporal: temporal.address } };
    },
  });
}

/** Everything, in dependency order; each started part registers how to stop it. */
async function startAll(config: Config, stack: Stack, logger: Logger): Promise<void> {
  const infra = await startInfrastructure(config, stack, logger);
  const admin = await ensureBootstrapToken({ configured: config.INTERCEPTOR_ADMIN_TOKEN, dataDir: infra.dataDir });
  const api = composeApi(config, infra, admin.hash, logger);
  stack.push('api', async () => api.close());
  await api.identity.ensureSigningKey();
  await api.services.evidence.ensureKey();
  const worker = await startGovernedWorker({
    address: infra.temporal.address, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE, pool: infra.db.pool, dataDir: infra.dataDir, logger,
    publish: (e) => api.notify(e), toolLeaseMs: parseDurationMs(config.TOOL_LEASE),
    // why a thread on PGlite: it keeps no statement timeout, so a slow query would hold the whole process
    sqlSandbox: infra.db.kind === 'pglite' ? 'thread' : 'database', sqlTimeoutMs: parseDurationMs(config.RUN_SQL_TIMEOUT),
    maxPendingApprovals: config.MAX_PENDING_APPROVALS,
  });
  stack.push('worker', () => worker.shutdown());
  progress(`▸ worker polling task queue ${config.TEMPORAL_TASK_QUEUE}`);
  const demo = await seedDemo(api.services, createPgStore(infra.db.pool), infra.dataDir);
  progress('▸ demo tenant `demo` seeded (tools, default policy pack, budget, agent, approver)');
  const server = await listen(api, { port: config.PORT, host: config.HOST });
  stack.push('http server', () => server.close());
  const host = config.HOST === '127.0.0.1' || config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  const adminToken = { token: admin.token, shown: admin.source === 'generated', path: admin.path };
  progress(banner({ url: `http://${host}:${server.port}/graphql`, temporal: infra.temporal.address, database: infra.db.kind, adminToken, demo }));
}

/** Run until SIGINT/SIGTERM; returns the process exit code. */
export async function start(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const config = loadConfig(env);
  const logger = createLogger(config.LOG_LEVEL);
  const stack = new Stack();
  const log = (msg: string, err?: unknown) => logger.error({ err }, msg);
  try {
    await startAll(config, stack, logger);
  } catch (e) {
    logger.error({ err: e }, 'start failed');
    process.stderr.write(`interceptor: start failed: ${(e as Error).message}\n`);
    await stack.unwind(log);
    return 1;
  }
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      progress(`\n▸ ${signal}: stopping (worker, server, temporal, database)…`);
      done();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await stack.unwind(log);
  progress('▸ stopped');
  return 0;
}
