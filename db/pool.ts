/**
 * @module Connection pools and transactions over `pg`. One code path serves a real Postgres and the
 * embedded PGlite (which speaks the same wire protocol through pglite-socket).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import pg from 'pg';
import { InterceptorError } from '../lib/errors.js';

/** Anything a repository function can run a query on: a pool (autocommit) or a checked-out client. */
export type Queryable = pg.Pool | pg.PoolClient;

export interface PoolOptions {
  /** Maximum connections. PGlite serves one session, so its pools must use 1. */
  max?: number;
  /** Close idle connections after this many ms; 0 keeps them open forever. */
  idleTimeoutMillis?: number;
  applicationName?: string;
  /**
   * Fail fast when code inside `withTransaction(pool, fn)` asks the same pool for another connection.
   * With `max: 1` (PGlite) that request would wait forever for the connection `fn` itself holds.
   */
  guardNestedUse?: boolean;
  /**
   * Run parameterised queries as named prepared statements, parsed and planned once per connection.
   * why: PGlite parses and plans in WASM; an unnamed statement costs ~0.8 ms there, a prepared one ~0.2 ms.
   */
  prepareStatements?: boolean;
  /** Connect through this stream instead of TCP (the in-process PGlite). */
  stream?: () => Duplex;
}

/** The pool whose transaction the current async context is running inside, if any. */
const insideTransaction = new AsyncLocalStorage<pg.Pool>();

/** True inside withTransaction's callback: a client handed out there is in an open transaction. */
export function inTransaction(): boolean {
  return insideTransaction.getStore() !== undefined;
}

/** Open a pool on a Postgres URL; the caller ends it with `pool.end()`. */
export function createPool(url: string, opts: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    idleTimeoutMillis: opts.idleTimeoutMillis ?? 30_000,
    application_name: opts.applicationName ?? 'interceptor',
    ...(opts.stream ? { stream: opts.stream } : {}),
  });
  // why: an idle client that loses its server (restart, network) emits 'error' on the pool; without a
  // listener Node treats it as an unhandled error and exits. The pool discards the client itself.
  pool.on('error', () => undefined);
  if (opts.guardNestedUse) guardNestedUse(pool);
  if (opts.prepareStatements) pool.on('connect', (client) => prepareStatementsOn(client));
  return pool;
}

/** Distinct statements one connection prepares at most; later ones run unnamed (bounded server memory). */
const MAX_PREPARED_PER_CONNECTION = 1000;
const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `ic_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (statementNames.size < 10_000) statementNames.set(text, name);
  }
  return name;
}

type QueryFn = (...args: unknown[]) => unknown;

function prepareStatementsOn(client: pg.PoolClient): void {
  const query = client.query.bind(client) as QueryFn;
  // why: the embedded server keeps one session across reconnects, so statements a dropped connection
  // prepared are still there and a new Parse of the same name would fail. Queued before anything else.
  void (query('DEALLOCATE ALL') as Promise<unknown>).catch(() => undefined);
  const prepared = new Set<string>();
  const named = (text: string): string | undefined => {
    const name = statementName(text);
    if (prepared.has(name)) return name;
    if (prepared.size >= MAX_PREPARED_PER_CONNECTION) return undefined;
    prepared.add(name);
    return name;
  };
  client.query = ((...args: unknown[]) => {
    const [first, second, ...rest] = args;
    if (typeof first === 'string' && Array.isArray(second)) {
      const name = named(first);
      if (name) return query({ name, text: first, values: second }, ...rest);
    } else if (first !== null && typeof first === 'object' && !('submit' in first)) {
      const c = first as { text?: unknown; values?: unknown; name?: unknown };
      if (typeof c.text === 'string' && Array.isArray(c.values) && c.name === undefined) {
        const name = named(c.text);
        if (name) return query({ ...c, name }, second, ...rest);
      }
    }
    return query(...args);
  }) as typeof client.query;
}

function guardNestedUse(pool: pg.Pool): void {
  const connect = pool.connect.bind(pool) as (cb?: (err: Error | undefined, client?: pg.PoolClient, done?: () => void) => void) => Promise<pg.PoolClient> | void;
  // why patch connect: pool.query goes through it too, so one check covers both entry points.
  const guarded = (cb?: (err: Error | undefined, client?: pg.PoolClient, done?: () => void) => void) => {
    if (insideTransaction.getStore() !== pool) return connect(cb);
    const err = new InterceptorError('INTERNAL', 'the pool was used inside its own transaction: pass the transaction client instead (with one connection this would wait forever)');
    if (cb) return void queueMicrotask(() => cb(err));
    return Promise.reject(err);
  };
  pool.connect = guarded as typeof pool.connect;
}

/** SQLSTATEs worth retrying the whole transaction for. */
const RETRYABLE = new Set(['40001', '40P01']);

export interface TransactionOptions {
  /** Attempts in total for serialization failures and deadlocks (default 4). */
  attempts?: number;
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  readOnly?: boolean;
}

function beginStatement(opts: TransactionOptions): string {
  const parts = ['BEGIN'];
  if (opts.isolation) parts.push(`ISOLATION LEVEL ${opts.isolation.toUpperCase()}`);
  if (opts.readOnly) parts.push('READ ONLY');
  return parts.join(' ');
}

export function isRetryableTransactionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/**
 * Run `fn` in a transaction on a client of its own: COMMIT when it resolves, ROLLBACK when it throws.
 * Serialization failures (40001) and deadlocks (40P01) rerun the whole function, so `fn` must not
 * have effects outside the database.
 */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 4);
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(pool, fn, opts);
    } catch (e) {
      if (attempt >= attempts || !isRetryableTransactionError(e)) throw e;
      // why: jitter spreads the retries of transactions that collided with each other.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 10 * attempt)));
    }
  }
}

async function runOnce<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, opts: TransactionOptions): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(beginStatement(opts));
    const result = await insideTransaction.run(pool, () => fn(client));
    await client.query('COMMIT');
    return result;
  } catch (e) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      // INVARIANT: a client whose ROLLBACK failed is in an unknown state and must not return to the pool.
      broken = rollbackError as Error;
    }
    throw e;
  } finally {
    client.release(broken);
  }
}

// why: a checked-out client has `release`; a pool does not. (instanceof alone fails when two copies of pg are installed.)
export function isPool(db: Queryable): db is pg.Pool {
  return db instanceof pg.Pool || typeof (db as Partial<pg.PoolClient>).release !== 'function';
}

/**
 * Run `fn` atomically, where the caller's transaction (if any) is the atomic unit: on a pool, in a
 * new transaction; on a client inside `withTransaction`, directly in that transaction. why no
 * savepoint there: a failure aborts the caller's transaction, and these callers never go on after
 * one, so a savepoint would only cost two round trips.
 */
export function inCallersTransaction<T>(db: Queryable, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return !isPool(db) && inTransaction() ? fn(db) : atomically(db, fn);
}

let savepointCounter = 0;

/**
 * Run `fn` atomically: on a pool, in a new transaction; on a client, inside a savepoint of the
 * transaction the caller already opened (Postgres refuses SAVEPOINT outside one, so a client in
 * autocommit mode fails loudly instead of silently losing atomicity).
 */
export async function atomically<T>(db: Queryable, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  if (isPool(db)) return withTransaction(db, fn);
  const name = `interceptor_sp_${++savepointCounter}`;
  await db.query(`SAVEPOINT ${name}`);
  try {
    const result = await fn(db);
    await db.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (e) {
    await db.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw e;
  }
}
