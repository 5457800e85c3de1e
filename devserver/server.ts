/**
 * @module The embedded Temporal service: engine + store + gRPC transport. Transport is kept apart
 * from protocol: the engine is usable without gRPC, and the handlers are thin adapters.
 */
import type { Logger } from './log.js';
import { silentLogger } from './log.js';
import type { SearchAttributeType } from './visibility/index.js';
import { MemoryStore, type Store } from './store/types.js';
import { SqliteStore } from './store/sqlite.js';
import { Engine } from './state/engine.js';
import { installDeadlines, requeueAfterRestart } from './state/deadlines.js';
import { deliverEntry } from './state/wft.js';
import { EarlyTransport } from './grpc/early-transport.mjs';
import { createDispatch } from './grpc/dispatch.js';
import { workflowHandlers } from './grpc/workflow-service.js';
import { operatorHandlers, testServiceHandlers } from './grpc/operator-service.js';

export interface DevServerOptions {
  port: number;
  ip?: string;
  namespaces?: string[];
  dbFilename?: string;
  searchAttributes?: Record<string, SearchAttributeType>;
  logger?: Logger;
  maxPayloadBytes?: number;
  maxRequestBytes?: number;
  /** Long-poll hold time before an empty answer (below the SDK's 70 s deadline). */
  pollTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  port: number;
  engine: Engine;
  close(): Promise<void>;
}

export const DEFAULT_MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;
export const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export function createEngine(opts: Omit<DevServerOptions, 'port'>): Engine {
  const store: Store = opts.dbFilename ? new SqliteStore(opts.dbFilename) : new MemoryStore();
  const engine = new Engine({
    store,
    namespaces: opts.namespaces ?? [],
    searchAttributes: opts.searchAttributes ?? {},
    logger: opts.logger ?? silentLogger,
    pollTimeoutMs: opts.pollTimeoutMs ?? 60_000,
    maxPayloadBytes: opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
  });
  installDeadlines(engine);
  engine.deliver = (entry, identity) => deliverEntry(engine, entry, identity);
  engine.resume((run) => requeueAfterRestart(engine, run));
  return engine;
}

/** Room above the request limit so that requests just over it are refused with INVALID_ARGUMENT. */
export function receiveLimit(maxRequestBytes: number): number {
  // why: grpc-js refuses messages over its own limit with RESOURCE_EXHAUSTED (retried by clients)
  // before our code sees them; with headroom, requests up to 4x the limit get a clear INVALID_ARGUMENT
  return maxRequestBytes * 4;
}

/** Attaches an engine's handlers to a (possibly already listening) transport. */
export function attachEngine(transport: EarlyTransport, engine: Engine, maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES): void {
  const dispatch = createDispatch(
    {
      'temporal.api.workflowservice.v1.WorkflowService': workflowHandlers(engine),
      'temporal.api.operatorservice.v1.OperatorService': operatorHandlers(engine),
      'temporal.api.testservice.v1.TestService': testServiceHandlers(engine),
    },
    { log: engine.log, maxPayloadBytes: engine.maxPayloadBytes, maxRequestBytes, skipPayloadCheck: new Set(['RespondWorkflowTaskCompleted']) },
  );
  transport.attach(dispatch);
}

export function closer(transport: EarlyTransport, engine: Engine | undefined): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () =>
    (closing ??= (async () => {
      engine?.close();
      await transport.shutdown();
    })());
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const engine = createEngine(opts);
  const maxRequestBytes = opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const transport = new EarlyTransport({ maxReceiveBytes: receiveLimit(maxRequestBytes) });
  attachEngine(transport, engine, maxRequestBytes);
  let bound;
  try {
    bound = await transport.bind(opts.ip ?? '127.0.0.1', opts.port);
  } catch (e) {
    engine.close();
    throw e;
  }
  return { ...bound, engine, close: closer(transport, engine) };
}
