/**
 * @module Process entry of `bin/temporal-dev-server`. The launcher has already bound the port with
 * the byte-level transport (answering GetSystemInfo, holding other calls); this loads the engine,
 * attaches it, and exits cleanly on SIGTERM / SIGINT. A bug in a handler is logged; it never kills
 * the process.
 */
import pino from 'pino';
import { parseArgs } from './cli.js';
import { attachEngine, closer, createEngine, DEFAULT_MAX_REQUEST_BYTES } from './server.js';
import { isInterceptorError } from '../lib/errors.js';
import type { EarlyTransport } from './grpc/early-transport.mjs';

export async function main(argv: string[], transport: EarlyTransport, address: string): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`temporal-dev-server: ${isInterceptorError(e) ? e.message : String(e)}\n`);
    await transport.shutdown(0);
    process.exit(2);
  }
  const { options, warnings } = parsed;
  for (const w of warnings) process.stderr.write(`temporal-dev-server: warning: ${w}\n`);
  const logger = pino({ level: options.logLevel, base: { svc: 'temporal-dev-server' } }, pino.destination(2));
  process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  const engine = createEngine({ ...options, logger });
  attachEngine(transport, engine, options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES);
  process.stderr.write(`temporal-dev-server: listening on ${address}${options.dbFilename ? ` (db ${options.dbFilename})` : ' (in memory)'}\n`);
  const close = closer(transport, engine);
  const stop = (): void => {
    void close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
