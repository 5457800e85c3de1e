/**
 * @module Start the governed-task worker in this process: activities from `createActivities(deps)`
 * (activities/) with the built-in tool runtime (tools/), run by `startWorker` (worker/).
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { createActivities, type TaskEvent } from '../activities/index.js';
import { recordInputs } from '../activities/recorded.js';
import { createToolRuntime } from '../tools/runtime.js';
import { createSqlSandbox } from '../tools/sql-sandbox.js';
import { startWorker } from '../worker/index.js';

export interface WorkerHandle {
  shutdown(): Promise<void>;
}

export interface GovernedWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  pool: pg.Pool;
  dataDir: string;
  logger: { error(obj: unknown, msg?: string): void };
  /** Told about every recorded step, approval and outcome (the API's subscriptions listen). */
  publish?: (event: TaskEvent) => void;
  /** How long a tool execution's claim lasts without renewal (default 12 s). */
  toolLeaseMs?: number;
  /** Where run_sql runs: `database` (the pool's sandbox function; Postgres keeps its statement timeout) or `thread` (the embedded PGlite, which keeps none: see tools/sql-sandbox.ts). Default `database`. */
  sqlSandbox?: 'database' | 'thread';
  /** run_sql's time limit per query (default 2 s). */
  sqlTimeoutMs?: number;
  /** How many approvals one submitter may have waiting at once (unlimited when absent). */
  maxPendingApprovals?: number;
}

export async function startGovernedWorker(opts: GovernedWorkerOptions): Promise<WorkerHandle> {
  const sql = opts.sqlSandbox === 'thread' ? createSqlSandbox() : undefined;
  const tools = createToolRuntime({
    pool: opts.pool, sandboxDir: join(opts.dataDir, 'sandbox'), ...(sql ? { runSql: sql.query } : {}), ...(opts.sqlTimeoutMs ? { sqlTimeoutMs: opts.sqlTimeoutMs } : {}),
  });
  const activities = recordInputs(createActivities({
    db: opts.pool, tools, now: () => new Date(), ...(opts.publish ? { publish: opts.publish } : {}), ...(opts.toolLeaseMs ? { toolLeaseMs: opts.toolLeaseMs } : {}),
    ...(opts.maxPendingApprovals ? { maxPendingApprovals: opts.maxPendingApprovals } : {}),
  }));
  // why an explicit identity: the worker's native bridge refuses an undefined one.
  const identity = `interceptor-${process.pid}@${hostname()}`;
  const running = await startWorker({ address: opts.address, namespace: opts.namespace, taskQueue: opts.taskQueue, activities, identity });
  running.done.catch((e: unknown) => opts.logger.error({ err: e }, 'the worker stopped with an error'));
  return {
    async shutdown() {
      try {
        await running.shutdown();
      } finally {
        await sql?.close();
      }
    },
  };
}
