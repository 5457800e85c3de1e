// @ts-check
/**
 * Worker-thread entry for the run_sql sandbox on the embedded database (see sql-sandbox.ts): an
 * in-memory PGlite holding only the demo schema, answering one query at a time. The parent keeps the
 * time limit by ending this thread. Plain JavaScript: a thread has no tsx loader of its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** @type {{ schemaSql: string }} */
const opts = workerData;
const port = parentPort;
if (!port) throw new Error('sql-sandbox-thread.mjs runs only as a worker thread');

/** @type {PGlite | undefined} */
let db;
try {
  db = await PGlite.create();
  await db.exec(opts.schemaSql);
  port.postMessage({ kind: 'ready' });
} catch (e) {
  port.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
}

port.on('message', async (/** @type {{ kind: 'query'; sql: string; rowLimit: number }} */ msg) => {
  if (msg.kind !== 'query' || !db) return;
  try {
    await db.exec('BEGIN READ ONLY');
    const r = await db.query('SELECT demo.readonly_query($1::text, $2::integer) AS row', [msg.sql, msg.rowLimit]);
    port.postMessage({ kind: 'rows', rows: r.rows.map((x) => /** @type {{ row: unknown }} */ (x).row) });
  } catch (e) {
    const err = /** @type {{ code?: unknown; message?: unknown }} */ (e);
    port.postMessage({ kind: 'failed', code: typeof err?.code === 'string' ? err.code : undefined, message: typeof err?.message === 'string' ? err.message : String(e) });
  } finally {
    await db.exec('ROLLBACK').catch(() => undefined);
  }
});
