// @ts-check
/**
 * Worker-thread entry for the embedded Postgres: PGlite runs each query synchronously in WASM, so on
 * the main thread every query would stall the API, the Temporal worker's bridge and the embedded
 * Temporal service. Here it has an event loop (and a core) of its own; the application reaches it
 * over the Postgres wire protocol exactly as before. Plain JavaScript: it must load without tsx.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** @type {{ dbDir: string; port: number; maxConnections: number }} */
const opts = workerData;
const port = parentPort;
if (!port) throw new Error('pglite-thread.mjs runs only as a worker thread');

/** @type {PGlite | undefined} */
let db;
/** @type {PGLiteSocketServer | undefined} */
let server;

try {
  db = await PGlite.create(opts.dbDir);
  server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: opts.port, maxConnections: opts.maxConnections });
  await server.start();
  port.postMessage({ kind: 'ready', port: Number(server.getServerConn().split(':').pop()) });
} catch (e) {
  await db?.close().catch(() => undefined);
  port.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
}

port.on('message', async (/** @type {{ kind: string }} */ msg) => {
  if (msg.kind !== 'close') return;
  try {
    await server?.stop();
    await db?.close();
    port.postMessage({ kind: 'closed' });
  } catch (e) {
    port.postMessage({ kind: 'closed', error: e instanceof Error ? e.message : String(e) });
  }
  port.close();
});
