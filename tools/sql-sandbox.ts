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
import type { Worker } from 'node:worker_threads';
import { ReadOnlyQuerySchema, readOnlyQueryError, sqlForSubquery, type ReadOnlyQuery, type ReadOnlyResult } from '../db/queries/demo.js';
import { InterceptorError, isInterceptorError } from '../lib/errors.js';
import { startThread } from '../lib/service-thread.js';
import { parseOrFail } from '../lib/validation.js';
import { MAX_TOOL_RESULT_BYTES } from './types.js';

export interface SqlSandbox {
  query(input: ReadOnlyQuery): Promise<ReadOnlyResult>;
  /** End the thread; a query running or waiting fails with a retryable error. */
  close(): Promise<void>;
}

export interface SqlSandboxOptions {
  /** Longest time a query waits for its turn and for the sandbox to start (default 10 s); after it, the query fails with a retryable error. */
  maxWaitMs?: number;
  /** Longest wait for a thread to start (PGlite compiles and initialises a database), default 60 s. */
  startTimeoutMs?: number;
}

const THREAD_ENTRY = new URL('./sql-sandbox-thread.mjs', import.meta.url);
const DEMO_SCHEMA = new URL('../db/migrations/000004_demo.sql', import.meta.url);

type Reply = { kind: 'rows'; rows: Record<string, unknown>[]; truncated: boolean } | { kind: 'tooLarge'; bytes: number | null } | { kind: 'failed'; code?: string; message: string };
type Query = ReturnType<typeof ReadOnlyQuerySchema.parse> & { queuedAt: number };

/**
 * Failures that are the query's own ordinary mistakes (syntax, data, unsupported, refused): the
 * thread is as good as before. After anything else (PGlite failing, memory grown by a huge value)
 * the thread is replaced.
 */
const KEEPS_THREAD = /^(42|22|0A|25006)/;

/** A failure the tool activity retries (plain Error): the sandbox, not the query, is why it failed. */
const retryLater = (why: string): Error => new Error(`the run_sql sandbox ${why}; the step will be retried`);

export function createSqlSandbox(opts: SqlSandboxOptions = {}): SqlSandbox {
  const maxWaitMs = opts.maxWaitMs ?? 10_000;
  let thread: Promise<Worker> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  /** End a thread and start its replacement at once, so the next query need not wait for it. */
  const replace = (which: Promise<Worker>): void => {
    void which.then((w) => w.terminate()).catch(() => undefined);
    if (thread !== which) return;
    thread = undefined;
    if (!closed) started().catch(() => undefined);
  };

  const started = (): Promise<Worker> => {
    if (thread) return thread;
    const next = start(opts.startTimeoutMs ?? 60_000);
    thread = next;
    // why: a thread that dies while idle (a crash, the memory it may not grow past) must not be asked the next query
    next.then((w) => w.once('exit', () => (thread === next ? (thread = undefined) : undefined)), () => (thread === next ? (thread = undefined) : undefined));
    return next;
  };

  async function ready(q: Query): Promise<{ worker: Worker; current: Promise<Worker> }> {
    const left = q.queuedAt + maxWaitMs - Date.now();
    if (left <= 0) throw retryLater('was busy with other queries');
    const current = started();
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(retryLater('is still starting')), left)));
    try {
      return { worker: await Promise.race([current, gaveUp]), current };
    } finally {
      clearTimeout(timer);
    }
  }

  async function run(q: Query): Promise<ReadOnlyResult> {
    if (closed) throw retryLater('is closed');
    const { worker, current } = await ready(q);
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
        replace(current);
        reject(closed ? retryLater('was closed') : new InterceptorError('BAD_USER_INPUT', 'query failed: the sandbox ended while running it', { issues: [{ path: 'sql', message: 'the query ended the sandbox' }] }));
      };
      const timer = setTimeout(() => {
        done();
        replace(current);
        reject(new InterceptorError('FORBIDDEN', `query refused: statement timeout: it ran longer than ${q.timeoutMs} ms`));
      }, q.timeoutMs);
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      worker.postMessage({ kind: 'query', sql: sqlForSubquery(q.sql), maxRows: q.maxRows });
    });
    if (reply.kind === 'rows') return { rows: reply.rows, truncated: reply.truncated };
    if (reply.kind === 'tooLarge' || !KEEPS_THREAD.test(reply.code ?? '')) replace(current);
    if (reply.kind === 'tooLarge') throw new InterceptorError('PAYLOAD_TOO_LARGE', `the query's result is ${reply.bytes === null ? 'too large to measure' : `${reply.bytes} bytes`} and a step keeps at most ${MAX_TOOL_RESULT_BYTES}: ask for fewer rows or columns`);
    const error = readOnlyQueryError(Object.assign(new Error(reply.message), { code: reply.code }));
    throw isInterceptorError(error) ? error : retryLater(`failed: ${reply.message}`);
  }

  return {
    async query(input) {
      const q = { ...parseOrFail(ReadOnlyQuerySchema, input, 'query'), queuedAt: Date.now() };
      const next = queue.then(() => run(q));
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      closed = true;
      const current = thread;
      thread = undefined;
      if (current) await current.then((w) => w.terminate()).catch(() => undefined);
    },
  };
}

/** Start the thread and wait until its database holds the demo schema. */
async function start(timeoutMs: number): Promise<Worker> {
  const data = { schemaSql: readFileSync(DEMO_SCHEMA, 'utf8'), resultLimitBytes: MAX_TOOL_RESULT_BYTES };
  let thread: Worker;
  try {
    // why unref: an idle sandbox must not keep the process alive
    ({ thread } = await startThread(THREAD_ENTRY, data, 'run_sql sandbox', { timeoutMs, unref: true }));
  } catch (e) {
    throw new InterceptorError('INTERNAL', (e as Error).message, { cause: e });
  }
  // why: a crash after start must not take the process down; the query in flight sees the exit
  thread.on('error', () => undefined);
  return thread;
}
