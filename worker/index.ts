/**
 * @module Worker bootstrap: connects to the Temporal service (embedded or TEMPORAL_ADDRESS),
 * registers the governed-task activities and runs until shut down. Graceful shutdown lets in-flight
 * activities finish; whatever is cut short is retried by Temporal on the next worker.
 */
import { hostname } from 'node:os';
import { DefaultLogger, NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import type { WorkerActivities } from '../workflows/contract.js';
import { workflowBundle } from './bundle.js';

export interface StartWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  activities: WorkerActivities;
  maxConcurrentActivities?: number;
  identity?: string;
}

export interface RunningWorker {
  worker: Worker;
  connection: NativeConnection;
  /** Resolves when the worker has stopped (after shutdown() or a fatal error). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

let runtimeInstalled = false;

/** Keep the Rust core quiet unless something is wrong; the product logs its own progress. */
function installRuntimeOnce(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } } });
  } catch {
    // why: a Runtime may already be installed by an embedding test; that one is kept.
  }
}

export async function startWorker(opts: StartWorkerOptions): Promise<RunningWorker> {
  installRuntimeOnce();
  // why: on loopback (the embedded service) gzip costs CPU on both ends and saves no bandwidth.
  const loopback = /^(127\.|localhost[:]|\[::1\])/.test(opts.address);
  const connection = await NativeConnection.connect({ address: opts.address, ...(loopback ? { grpcCompression: { codec: 'none' as const } } : {}) });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: opts.activities as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>,
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivities ?? 64,
    // why: the native bridge refuses an undefined identity.
    identity: opts.identity ?? `interceptor-worker-${process.pid}@${hostname()}`,
  });
  const done = worker.run();
  let stopping: Promise<void> | undefined;
  return {
    worker,
    connection,
    done,
    shutdown() {
      stopping ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await done.catch(() => undefined);
        await connection.close();
      })();
      return stopping;
    },
  };
}
