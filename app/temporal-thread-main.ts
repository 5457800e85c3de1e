/**
 * @module The embedded Temporal service inside its own worker thread. why: the service spends its
 * CPU on gRPC framing and protobuf; on the main thread that work queued behind the API, the
 * worker's activity code and the SDK bridge, and every workflow task waited for it. Here it gets an
 * event loop of its own. It talks to the parent only to say it is ready and to be told to close.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startDevServer, type DevServerOptions } from '../devserver/index.js';
import { createLogger } from './logger.js';

export interface TemporalThreadData {
  options: Omit<DevServerOptions, 'logger'>;
  logLevel: string;
}

export type TemporalThreadMessage = { kind: 'ready'; address: string } | { kind: 'error'; message: string } | { kind: 'closed' };

const port = parentPort;
if (!port) throw new Error('temporal-thread-main.ts runs only as a worker thread');
const data = workerData as TemporalThreadData;
const send = (m: TemporalThreadMessage) => port.postMessage(m);

try {
  const server = await startDevServer({ ...data.options, logger: createLogger(data.logLevel).child({ component: 'temporal' }) });
  port.on('message', (m: { kind?: string }) => {
    if (m.kind !== 'close') return;
    void server.close().finally(() => {
      send({ kind: 'closed' });
      port.close();
    });
  });
  send({ kind: 'ready', address: server.address });
} catch (e) {
  send({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
  port.close();
}
