/**
 * @module In-process API of the embedded Temporal service, for the product (`npm start`) and tests.
 * `startDevServer({ port: 0 })` picks a free port; pass `dbFilename` for durability.
 */
export { startDevServer, createEngine, DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_MAX_REQUEST_BYTES } from './server.js';
export type { DevServer, DevServerOptions } from './server.js';
export type { SearchAttributeType } from './visibility/index.js';
export type { Logger } from './log.js';
