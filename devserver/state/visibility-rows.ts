/** @module Run state -> visibility rows, and search-attribute merging. */
import type { Msg } from '../proto.js';
import { decodeSearchAttributePayloads, type Payload, type VisibilityRow } from '../visibility/index.js';
import type { Run } from './engine.js';

/** Our messages carry bytes as base64 strings; the visibility module wants Uint8Array. */
export function binaryPayloads(indexed: Record<string, Msg> | undefined): Record<string, Payload> {
  const out: Record<string, Payload> = {};
  for (const [k, p] of Object.entries(indexed ?? {})) {
    const metadata: Record<string, Uint8Array> = {};
    for (const [mk, mv] of Object.entries((p?.metadata ?? {}) as Record<string, string>)) metadata[mk] = Buffer.from(String(mv), 'base64');
    out[k] = { metadata, data: Buffer.from(String(p?.data ?? ''), 'base64') };
  }
  return out;
}

export function decodeIndexed(sa: Msg | undefined): Record<string, unknown> {
  return decodeSearchAttributePayloads(binaryPayloads(sa?.indexedFields as Record<string, Msg> | undefined));
}

/** Merges upserted indexed fields; a payload decoding to null (or an empty list) removes the attribute. */
export function mergeSearchAttributes(run: Run, sa: Msg | undefined): void {
  const fields = (sa?.indexedFields ?? {}) as Record<string, Msg>;
  if (Object.keys(fields).length === 0) return;
  const cur = { ...((run.s.searchAttributes.indexedFields ?? {}) as Record<string, Msg>) };
  const decoded = decodeIndexed(sa);
  for (const [k, p] of Object.entries(fields)) {
    const v = decoded[k];
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) delete cur[k];
    else cur[k] = p;
  }
  run.s.searchAttributes = Object.keys(cur).length ? { indexedFields: cur } : {};
}

const decodedCache = new WeakMap<Msg, Record<string, unknown>>();

export function toVisibilityRow(run: Run): VisibilityRow {
  const s = run.s;
  let attrs = decodedCache.get(s.searchAttributes);
  if (!attrs) {
    attrs = decodeIndexed(s.searchAttributes);
    decodedCache.set(s.searchAttributes, attrs);
  }
  const row: VisibilityRow = {
    workflowId: s.workflowId,
    runId: s.runId,
    workflowType: s.workflowType,
    executionStatus: s.status,
    taskQueue: s.taskQueue,
    startTime: s.startTime,
    executionTime: s.executionTime,
    historyLength: s.nextEventId - 1,
    searchAttributes: s.parent ? { ...attrs, ParentWorkflowId: s.parent.workflowId } : attrs,
  };
  if (s.closeTime) row.closeTime = s.closeTime;
  return row;
}
