// @ts-check
/**
 * Worker-thread entry for the run_sql sandbox on the embedded database (see sql-sandbox.ts): an
 * in-memory PGlite holding only the demo schema, answering one query at a time. The parent keeps the
 * time limit by ending this thread. Plain JavaScript: a thread has no tsx loader of its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** @type {{ schemaSql: string; resultLimitBytes: number }} */
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

port.on('message', async (/** @type {{ kind: 'query'; sql: string; maxRows: number }} */ msg) => {
  if (msg.kind !== 'query' || !db) return;
  try {
    await db.exec('BEGIN READ ONLY');
    // one more row than asked tells whether the result was cut
    const r = await db.query('SELECT demo.readonly_query($1::text, $2::integer) AS row', [msg.sql, msg.maxRows + 1]);
    const rows = r.rows.slice(0, msg.maxRows).map((x) => /** @type {{ row: unknown }} */ (x).row);
    const bytes = measure(rows, opts.resultLimitBytes);
    if (bytes === undefined) port.postMessage({ kind: 'rows', rows, truncated: r.rows.length > msg.maxRows });
    else port.postMessage({ kind: 'tooLarge', bytes });
  } catch (e) {
    const err = /** @type {{ code?: unknown; message?: unknown }} */ (e);
    port.postMessage({ kind: 'failed', code: typeof err?.code === 'string' ? err.code : undefined, message: typeof err?.message === 'string' ? err.message : String(e) });
  } finally {
    await db.exec('ROLLBACK').catch(() => undefined);
  }
});

/**
 * Undefined when the rows fit in `limit` bytes of JSON, else their size (null: too large to
 * serialise at all). why measured here, row by row: a result too large to keep is refused without
 * being copied to the parent, or built as one string.
 * @param {unknown[]} rows
 * @param {number} limit
 * @returns {number | null | undefined}
 */
function measure(rows, limit) {
  let bytes = 2;
  try {
    for (const row of rows) bytes += Buffer.byteLength(JSON.stringify(row), 'utf8') + 1;
  } catch {
    return null;
  }
  return bytes > limit ? bytes : undefined;
}
