/**
 * @module Ship the audit buffer to the API. The API must offer a mutation that ingests audit
 * events (`ingestAuditEvents(events: JSON!)`); it is probed first, and without it nothing is sent and
 * the buffer is kept. Shipped progress is a sequence number in `audit.shipped`, so shipping resumes
 * where it stopped and the buffer itself is never rewritten.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChainedAuditRecord } from './buffer.js';

export const SHIPPED_FILE = 'audit.shipped';
export const INGEST_MUTATION = 'ingestAuditEvents';
/** Records per call: the API accepts at most 500. */
const SHIP_BATCH = 500;

export type ShipResult =
  | { ok: true; shipped: number; remaining: 0 }
  | { ok: false; code: 'NO_INGEST_MUTATION' | 'API_UNREACHABLE' | 'API_REFUSED'; message: string; remaining: number };

export function shippedSeq(dataDir: string): number {
  const p = join(dataDir, SHIPPED_FILE);
  return existsSync(p) ? Number(readFileSync(p, 'utf8').trim()) || 0 : 0;
}

export async function shipAudit(dataDir: string, records: readonly ChainedAuditRecord[], api: string, token: string | undefined, f: typeof fetch = fetch): Promise<ShipResult> {
  const pending = records.filter((r) => r.seq > shippedSeq(dataDir));
  const post = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await f(api, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(15_000) });
    return (await res.json()) as { data?: Record<string, unknown>; errors?: Array<{ message: string }> };
  };
  let fields: string[];
  try {
    const probe = await post('{ __type(name: "Mutation") { fields { name } } }');
    fields = ((probe.data?.__type as { fields?: Array<{ name: string }> } | null)?.fields ?? []).map((x) => x.name);
  } catch (e) {
    return { ok: false, code: 'API_UNREACHABLE', message: `the API at \`${api}\` could not be reached: ${(e as Error).message}`, remaining: pending.length };
  }
  if (!fields.includes(INGEST_MUTATION)) {
    return { ok: false, code: 'NO_INGEST_MUTATION', message: `the API has no \`${INGEST_MUTATION}\` mutation, so the events stay in the buffer`, remaining: pending.length };
  }
  if (pending.length === 0) return { ok: true, shipped: 0, remaining: 0 };
  let shipped = 0;
  for (let i = 0; i < pending.length; i += SHIP_BATCH) {
    const batch = pending.slice(i, i + SHIP_BATCH);
    let res: Awaited<ReturnType<typeof post>>;
    try {
      res = await post(`mutation Ship($events: JSON!) { ${INGEST_MUTATION}(events: $events) }`, { events: batch });
    } catch (e) {
      return { ok: false, code: 'API_UNREACHABLE', message: `the API at \`${api}\` could not be reached: ${(e as Error).message}`, remaining: pending.length - shipped };
    }
    if (res.errors?.length) return { ok: false, code: 'API_REFUSED', message: res.errors.map((e) => e.message).join('; '), remaining: pending.length - shipped };
    // INVARIANT: progress is recorded only after the API accepted the batch (it ingests idempotently, so a repeat is harmless).
    const tmp = join(dataDir, `${SHIPPED_FILE}.tmp`);
    writeFileSync(tmp, String(batch.at(-1)!.seq));
    renameSync(tmp, join(dataDir, SHIPPED_FILE));
    shipped += batch.length;
  }
  return { ok: true, shipped, remaining: 0 };
}
