/** @module Serve an Api over node:http; closing stops accepting and ends open subscriptions. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Api } from './yoga.js';

export interface ListeningApi {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Listen on `host:port` (port 0 picks a free one). */
export async function listen(api: Api, opts: { port: number; host: string }): Promise<ListeningApi> {
  const server = createServer(api.yoga);
  // why: slow-loris guard; a request must arrive whole within 30 s (SSE responses are not affected).
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        // why: open SSE streams would keep close() waiting forever.
        server.closeAllConnections();
      }),
  };
}
