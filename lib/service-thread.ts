/**
 * @module An embedded service in a worker thread of its own (the embedded Temporal service, the
 * embedded PGlite, the run_sql sandbox). The thread answers `{ kind: 'ready', ... }` or `{ kind: 'error', message }` once
 * it has started, and `closed` (or exits) after it is told `{ kind: 'close' }`.
 */
import { Worker } from 'node:worker_threads';

export interface ServiceThread<Ready> {
  /** What the thread said when it was ready (its address or port). */
  ready: Ready;
  /** Ask the service to stop cleanly, wait for it, then end the thread. Idempotent. */
  close(): Promise<void>;
}

type StartMessage<Ready> = ({ kind: 'ready' } & Ready) | { kind: 'error'; message: string };

/**
 * Start `entry` with `workerData` and wait for its `ready` message; rejects, having ended the thread,
 * when it says `error`, exits first or (with `timeoutMs`) takes longer. `what` names it in errors;
 * `unref` lets the process exit while the thread idles.
 */
export async function startThread<Ready extends object>(entry: URL, workerData: unknown, what: string, opts: { timeoutMs?: number; unref?: boolean } = {}): Promise<{ thread: Worker; ready: Ready }> {
  const thread = new Worker(entry, { workerData });
  if (opts.unref) thread.unref();
  let timer: NodeJS.Timeout | undefined;
  const on: { error?: (e: Error) => void; exit?: (code: number) => void; message?: (m: StartMessage<Ready>) => void } = {};
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      if (opts.timeoutMs !== undefined) timer = setTimeout(() => reject(new Error(`the ${what} did not start within ${opts.timeoutMs} ms`)), opts.timeoutMs);
      on.error = reject;
      on.exit = (code) => reject(new Error(`the ${what} thread exited with code ${code}`));
      on.message = (m) => (m.kind === 'ready' ? resolve(m) : reject(new Error(`the ${what} could not start: ${m.message}`)));
      thread.on('error', on.error).on('exit', on.exit).on('message', on.message);
    }).finally(() => {
      clearTimeout(timer);
      // why not removeAllListeners: the Worker's own listeners (which keep its message port referenced) would go too
      thread.off('error', on.error!).off('exit', on.exit!).off('message', on.message!);
    });
    return { thread, ready };
  } catch (e) {
    await thread.terminate().catch(() => undefined);
    throw e;
  }
}

/**
 * Start `entry` with `workerData`; resolves once it is ready, rejects (and ends the thread) when it
 * fails to start. `what` names the service in errors; `onFailure` hears of a crash after start.
 */
export async function startServiceThread<Ready extends object>(entry: URL, workerData: unknown, what: string, onFailure: (e: Error) => void): Promise<ServiceThread<Ready>> {
  const { thread, ready } = await startThread<Ready>(entry, workerData, what);
  // why: a crash of a service thread must be loud; its clients then fail (closed), never hang.
  thread.on('error', onFailure);
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    const closed = new Promise<void>((resolve) => {
      thread.once('message', () => resolve());
      thread.once('exit', () => resolve());
    });
    thread.postMessage({ kind: 'close' });
    await closed;
    await thread.terminate();
  })());
  return { ready, close };
}
