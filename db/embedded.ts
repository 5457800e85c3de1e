/**
 * @module Embedded Postgres: PGlite (Postgres compiled to WASM), reached through `pg` over the
 * Postgres wire protocol exactly as a real server is. By default in this thread through an in-memory
 * stream (`startInlinePostgres`, see inline-pglite.ts); with a port, in a worker thread of its own
 * served by pglite-socket (`startEmbeddedPostgres`). Both take the data directory's lock.
 *
 * PGlite is a single session. pglite-socket can multiplex several sockets onto it, but only at
 * message granularity: two clients' extended-protocol messages (Parse/Bind/Execute) can interleave
 * (electric-sql/pglite#1046), and session state (prepared statements, SET, advisory locks) is shared.
 * So exactly ONE pool, with `max: 1` (`EMBEDDED_POOL_OPTIONS`), may use the URL: open it through
 * `openDatabase` and share its pool. Concurrency is serialised, which keeps every invariant
 * (budgets, audit chains) trivially correct.
 *
 * why the server still allows a few sockets: `pool.query` destroys its client after any SQL error
 * and connects anew at once, before the server has noticed the old socket close. With a limit of one
 * the replacement is refused ("Connection terminated unexpectedly"). The dying socket only sends
 * Terminate, so the spare slots never carry a second live session.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { InterceptorError } from '../lib/errors.js';
import { inlineStreamFactory, type InlinePgSocket } from './inline-pglite.js';
import { startServiceThread } from '../lib/service-thread.js';
import type pg from 'pg';
import { createPool, type PoolOptions } from './pool.js';

/** Pool settings that fit the embedded server: one connection, never closed for idleness, nested use refused, statements prepared. */
export const EMBEDDED_POOL_OPTIONS: PoolOptions = Object.freeze({ max: 1, idleTimeoutMillis: 0, guardNestedUse: true, prepareStatements: true });

export interface EmbeddedPostgres {
  url: string;
  port: number;
  /** Stop serving and close the database (flushes it to the data directory). */
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory holding the database files; omitted means in memory (lost on close). */
  dataDir?: string;
  /** TCP port on 127.0.0.1; 0 picks a free one (the default of startEmbeddedPostgres; openEmbeddedPool serves no port without one). */
  port?: number;
}

const LOCK_FILE = 'interceptor.lock';
/** One live session plus room for sockets still closing (see the module comment). */
const SOCKET_SLOTS = 4;

/** Lock files this process holds (a lock naming our own pid but absent here is stale: pid reuse). */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Take the data directory for this process. why: PGlite has no locking of its own, and two
 * processes writing one data directory corrupt it. A lock left by a dead process is taken over.
 */
async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  for (let tries = 0; tries < 2; tries++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      heldHere.add(path);
      return async () => {
        heldHere.delete(path);
        await rm(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      const inUse = owner === process.pid ? heldHere.has(path) : Number.isInteger(owner) && isAlive(owner);
      if (inUse) {
        throw new InterceptorError('CONFLICT', `data directory \`${dir}\` is in use by process \`${owner}\``);
      }
      await rm(path, { force: true });
    }
  }
  throw new InterceptorError('CONFLICT', `could not lock data directory \`${dir}\``);
}

/**
 * Take the data directory (or none: in memory) for the duration of `start`'s service; the lock goes
 * when that service closes, or at once when it fails to start.
 */
async function onDataDir<T extends { close(): Promise<void> }>(dataDir: string | undefined, start: (dbDir: string) => Promise<T>): Promise<T> {
  let unlock: () => Promise<void> = async () => undefined;
  let dbDir = 'memory://';
  if (dataDir !== undefined) {
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(dataDir);
    dbDir = join(dataDir, 'pgdata');
  }
  let service: T;
  try {
    service = await start(dbDir);
  } catch (e) {
    await unlock();
    throw e;
  }
  let closing: Promise<void> | undefined;
  const close = service.close.bind(service);
  return Object.assign(service, { close: () => (closing ??= close().then(unlock)) });
}

/** Start PGlite on `dataDir` in its own thread and serve it on 127.0.0.1; resolves once `pg` can connect. */
export function startEmbeddedPostgres(opts: EmbeddedOptions = {}): Promise<EmbeddedPostgres> {
  return onDataDir(opts.dataDir, async (dbDir) => {
    const thread = await startServiceThread<{ port: number }>(new URL('./pglite-thread.mjs', import.meta.url), { dbDir, port: opts.port ?? 0, maxConnections: SOCKET_SLOTS }, 'embedded Postgres',
      (e) => process.stderr.write(`interceptor: the embedded Postgres thread failed: ${e.message}\n`));
    const { port } = thread.ready;
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, close: thread.close };
  });
}

/** What `Database.url` says for the in-process PGlite (it has no network address). */
export const INLINE_URL = 'postgres://postgres@in-process/postgres';

export interface InlinePostgres {
  /** The `pg` stream factory that connects a client to this database (see inline-pglite.ts). */
  stream: () => InlinePgSocket;
  /** Close the database (flushes it to the data directory). */
  close(): Promise<void>;
}

/** Start PGlite on `dataDir` in this thread; `pg` reaches it through `stream` (no socket, no thread). */
export function startInlinePostgres(opts: Omit<EmbeddedOptions, 'port'> = {}): Promise<InlinePostgres> {
  return onDataDir(opts.dataDir, async (dbDir) => {
    let db: PGlite;
    try {
      db = await PGlite.create(dbDir);
    } catch (e) {
      throw new InterceptorError('INTERNAL', `the embedded Postgres could not start: ${e instanceof Error ? e.message : String(e)}`);
    }
    return { stream: inlineStreamFactory(db), close: () => db.close() };
  });
}

export interface EmbeddedPool {
  pool: pg.Pool;
  url: string;
  /** End the pool, then close the database. */
  close(): Promise<void>;
}

/**
 * The embedded PGlite on `dataDir` with its one pool: in this thread (no `port`), or in a thread of
 * its own served on 127.0.0.1 (`port`, 0 for any free one).
 */
export async function openEmbeddedPool(opts: EmbeddedOptions = {}): Promise<EmbeddedPool> {
  const dataDir = opts.dataDir === undefined ? {} : { dataDir: opts.dataDir };
  const opened = opts.port === undefined
    ? await startInlinePostgres(dataDir).then((db) => ({ db, url: INLINE_URL, pool: createPool(INLINE_URL, { ...EMBEDDED_POOL_OPTIONS, stream: db.stream }) }))
    : await startEmbeddedPostgres({ ...dataDir, port: opts.port }).then((db) => ({ db, url: db.url, pool: createPool(db.url, EMBEDDED_POOL_OPTIONS) }));
  return {
    pool: opened.pool,
    url: opened.url,
    async close() {
      await opened.pool.end();
      await opened.db.close();
    },
  };
}
