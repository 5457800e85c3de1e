/**
 * @module The Temporal service the product runs on: the embedded one (persistent in the data
 * directory) when `TEMPORAL_ADDRESS` is unset, or an external cluster, whose custom search
 * attributes are registered through the OperatorService when missing.
 */
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Logger } from '../devserver/log.js';
import { SEARCH_ATTRIBUTES } from '../workflows/messages.js';
import { startServiceThread } from '../lib/service-thread.js';
import type { TemporalThreadData } from './temporal-thread-main.js';

export interface TemporalService {
  address: string;
  kind: 'embedded' | 'external';
  close(): Promise<void>;
}

// why a default import: @temporalio/proto is CommonJS, whose named exports Node's ESM loader cannot see.
const { IndexedValueType } = proto.temporal.api.enums.v1;
const INDEXED_TYPES: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
};

/** Register the search attributes this product needs on an external cluster, leaving existing ones alone. */
export async function ensureSearchAttributes(address: string, namespace: string): Promise<string[]> {
  const connection = await Connection.connect({ address });
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const known = new Set([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
    const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !known.has(name));
    if (missing.length === 0) return [];
    const searchAttributes = Object.fromEntries(missing.map(([name, type]) => [name, INDEXED_TYPES[type]!]));
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
    return missing.map(([name]) => name);
  } finally {
    await connection.close();
  }
}

/** Start (or reach) the Temporal service; the embedded one runs in a worker thread of its own. */
export async function startTemporal(opts: { address?: string; port: number; namespace: string; dataDir: string; logger: Logger; logLevel?: string }): Promise<TemporalService> {
  if (opts.address) {
    const added = await ensureSearchAttributes(opts.address, opts.namespace);
    if (added.length > 0) opts.logger.info({ added }, 'registered search attributes on the Temporal cluster');
    return { address: opts.address, kind: 'external', close: async () => undefined };
  }
  const data: TemporalThreadData = {
    options: { port: opts.port, ip: '127.0.0.1', namespaces: [opts.namespace], dbFilename: join(opts.dataDir, 'temporal.sqlite'), searchAttributes: { ...SEARCH_ATTRIBUTES } },
    logLevel: opts.logLevel ?? 'warn',
  };
  const thread = await startServiceThread<{ address: string }>(new URL('./temporal-thread.mjs', import.meta.url), data, 'embedded Temporal service',
    (e) => opts.logger.error({ err: e }, 'the embedded Temporal service thread failed'));
  return { address: thread.ready.address, kind: 'embedded', close: thread.close };
}
