/**
 * @module The run_sql sandbox on the embedded database: a second, in-memory PGlite holding only the
 * demo schema (the tables, data and `demo.readonly_query` of migration 000004), in a worker thread
 * of its own, started on the first query. why: PGlite runs a query to its end on the thread that
 * owns it and keeps no statement timeout (WASM has no timer signals), so an agent's slow query on the
 * application's PGlite would hold the API, the worker and every other task for as long as it runs.
 * Here the time limit is kept by ending the thread; the next query starts a fresh one. Queries run
 * one at a time, in the order asked; each one's limit counts from when it starts.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ReadOnlyQuerySchema, readOnlyQueryError, sqlForSubquery, type ReadOnlyQuery, type ReadOnlyResult } from '../db/queries/demo.js';
import { InterceptorError } from '../lib/errors.js';
import { parseOrFail } from '../lib/validation.js';
import { MAX_TOOL_RESULT_BYTES } from './types.js';

export interface SqlSandbox {
  query(input: ReadOnlyQuery): Promise<ReadOnlyResult>;
  /** End the thread; queries asked later start a new one. */
  close(): Promise<void>;
}

export interface SqlSandboxOptions {
  /** Longest wait for the sandbox to start (PGlite compiles and initialises a database), default 60 s. */
  startTimeoutMs?: number;
}

const THREAD_ENTRY = new URL('./sql-sandbox-thread.mjs', import.meta.url);
const DEMO_SCHEMA = new URL('../db/migrations/000004_demo.sql', import.meta.url);

type Reply = { kind: 'rows'; rows: Record<string, unknown>[]; truncated: boolean } | { kind: 'tooLarge'; bytes: number } | { kind: 'failed'; code?: string; message: string };

export function createSqlSandbox(opts: SqlSandboxOptions = {}): SqlSandbox {
  let thread: Promise<Worker> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const discard = (which: Promise<Worker>): void => {
    if (thread === which) thread = undefined;
    void which.then((w) => w.terminate()).catch(() => undefined);
  };

  const started = (): Promise<Worker> => (thread ??= start(opts.startTimeoutMs ?? 60_000));

  async function run(q: ReturnType<typeof ReadOnlyQuerySchema.parse>): Promise<ReadOnlyResult> {
    const current = started();
    let worker: Worker;
    try {
      worker = await current;
    } catch (e) {
      discard(current);
      throw e;
    }
    const reply = await new Promise<Reply>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
      };
      const onMessage = (m: Reply): void => {
        done();
        resolve(m);
      };
      const onExit = (): void => {
        done();
        discard(current);
        reject(new InterceptorError('BAD_USER_INPUT', 'query failed: the sandbox ended while running it', { issues: [{ path: 'sql', message: 'the query ended the sandbox' }] }));
      };
      const timer = setTimeout(() => {
        done();
        discard(current);
        reject(new InterceptorError('FORBIDDEN', `query refused: statement timeout: it ran longer than ${q.timeoutMs} ms`));
      }, q.timeoutMs);
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      worker.postMessage({ kind: 'query', sql: sqlForSubquery(q.sql), maxRows: q.maxRows });
    });
    if (reply.kind === 'failed') throw readOnlyQueryError(Object.assign(new Error(reply.message), { code: reply.code }));
    if (reply.kind === 'tooLarge') throw new InterceptorError('PAYLOAD_TOO_LARGE', `the query's result is ${reply.bytes} bytes and a step keeps at most ${MAX_TOOL_RESULT_BYTES}: ask for fewer rows or columns`);
    return { rows: reply.rows, truncated: reply.truncated };
  }

  return {
    async query(input) {
      const q = parseOrFail(ReadOnlyQuerySchema, input, 'query');
      const next = queue.then(() => run(q));
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      const current = thread;
      thread = undefined;
      if (current) await current.then((w) => w.terminate()).catch(() => undefined);
    },
  };
}

/** Start the thread and wait until its database holds the demo schema. */
async function start(timeoutMs: number): Promise<Worker> {
  const worker = new Worker(THREAD_ENTRY, { workerData: { schemaSql: readFileSync(DEMO_SCHEMA, 'utf8'), resultLimitBytes: MAX_TOOL_RESULT_BYTES } });
  // why: an idle sandbox must not keep the process alive
  worker.unref();
  let timer: NodeJS.Timeout | undefined;
  const listeners: { error?: (e: Error) => void; exit?: (code: number) => void; message?: (m: { kind: string; message?: string }) => void } = {};
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`it did not start within ${timeoutMs} ms`)), timeoutMs);
      listeners.error = reject;
      listeners.exit = (code) => reject(new Error(`its thread exited with code ${code}`));
      listeners.message = (m) => (m.kind === 'ready' ? resolve() : reject(new Error(m.message ?? 'it failed to start')));
      worker.on('error', listeners.error).on('exit', listeners.exit).on('message', listeners.message);
    }).finally(() => {
      clearTimeout(timer);
      // why not removeAllListeners: the Worker's own listeners (which keep its message port referenced) would go too
      worker.off('error', listeners.error!).off('exit', listeners.exit!).off('message', listeners.message!);
    });
  } catch (e) {
    await worker.terminate().catch(() => undefined);
    throw new InterceptorError('INTERNAL', `the run_sql sandbox could not start: ${(e as Error).message}`, { cause: e });
  }
  // why: a crash after start must not take the process down; the query in flight sees the exit
  worker.on('error', () => undefined);
  return worker;
}
