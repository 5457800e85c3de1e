/**
 * @module An embedded service in a worker thread of its own (the embedded Temporal service, the
 * embedded PGlite). The thread answers `{ kind: 'ready', ... }` or `{ kind: 'error', message }` once
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
 * Start `entry` with `workerData`; resolves once it is ready, rejects (and ends the thread) when it
 * fails to start. `what` names the service in errors; `onFailure` hears of a crash after start.
 */
export async function startServiceThread<Ready extends object>(entry: URL, workerData: unknown, what: string, onFailure: (e: Error) => void): Promise<ServiceThread<Ready>> {
  const thread = new Worker(entry, { workerData });
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      thread.once('error', reject);
      thread.once('exit', (code) => reject(new Error(`the ${what} thread exited with code ${code}`)));
      thread.once('message', (m: StartMessage<Ready>) => (m.kind === 'ready' ? resolve(m) : reject(new Error(`the ${what} could not start: ${m.message}`))));
    });
    thread.removeAllListeners();
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
  } catch (e) {
    await thread.terminate().catch(() => undefined);
    throw e;
  }
}
