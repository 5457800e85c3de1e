/**
 * @module The audit store: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE) and
 * hash-chained per chain (a task, or `tenant:<tenant>` for events outside a task). Appends to one
 * chain are serialised by a transaction-scoped advisory lock on the chain id (taken by
 * `audit_append_after` and `audit_chain_head_locked`), so concurrent writers never fork it; the
 * UNIQUE (chain_id, chain_seq) constraint is the backstop.
 *
 * A process remembers the head of each chain it appended to. The next event then costs one
 * statement (`audit_append_after`: lock, check the head is still that one, insert) instead of two
 * (the locked read of the head, then the insert). The remembered head is only a guess: when another
 * writer appended meanwhile, or the transaction that wrote it rolled back, the check fails, nothing
 * is inserted, and the append continues from the real head.
 */
import { z } from 'zod';
import { chainHash, GENESIS_HASH, verifyChain, type ChainBreak } from '../../governance/audit/chain.js';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';
import { inCallersTransaction, isPool, type Queryable } from '../pool.js';
import { iso, jsonParam, readJson } from '../rows.js';

/**
 * What the store needs from an event (governance/audit's AuditEvent satisfies it); the rest of the
 * already-redacted body is stored and hashed as is.
 */
export const StorableAuditEventSchema = z.looseObject({
  eventId: z.string().min(1).max(256),
  tenant: z.string().min(1).max(128),
  taskId: z.string().min(1).max(256).optional(),
  type: z.string().min(1).max(128),
  at: z.string().min(1).max(64),
});
export type StorableAuditEvent = z.input<typeof StorableAuditEventSchema>;

export interface StoredAuditEvent {
  seq: number;
  eventId: string;
  tenant: string;
  chainId: string;
  chainSeq: number;
  prevHash: string;
  hash: string;
  event: Record<string, unknown>;
  createdAt: string;
}

interface AuditRow {
  seq: string;
  event_id: string;
  tenant: string;
  chain_id: string;
  chain_seq: number;
  prev_hash: string;
  hash: string;
  event: unknown;
  created_at: Date;
}

const COLUMNS = 'seq, event_id, tenant, chain_id, chain_seq, prev_hash, hash, event, created_at';
const EventBodySchema = z.record(z.string(), z.unknown());

function toStored(r: AuditRow): StoredAuditEvent {
  return {
    seq: Number(r.seq), eventId: r.event_id, tenant: r.tenant, chainId: r.chain_id, chainSeq: r.chain_seq,
    prevHash: r.prev_hash, hash: r.hash, event: readJson(EventBodySchema, r.event, 'audit_events.event'), createdAt: iso(r.created_at),
  };
}

/** The chain an event belongs to: its task, or the tenant's own stream. */
export function chainIdOf(event: { tenant: string; taskId?: string | undefined }): string {
  return event.taskId ?? `tenant:${event.tenant}`;
}

/**
 * Append events, each to the end of its chain, atomically. Idempotent by `eventId`: an event already
 * stored is returned as first stored (a retried activity is a no-op, even if it rebuilt the body);
 * an id already used in another tenant or chain is a CONFLICT.
 * On a client, runs inside the caller's transaction (as a savepoint); on a pool, in its own.
 */
export async function appendAuditEvents(db: Queryable, events: readonly StorableAuditEvent[]): Promise<StoredAuditEvent[]> {
  const parsed = parseOrFail(z.array(StorableAuditEventSchema).max(1000), events, 'audit events');
  // why: round-trip through JSON so the hash covers exactly what jsonb stores and returns
  // (undefined properties vanish, dates become strings).
  const bodies = parsed.map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown> & StorableAuditEvent);
  // why: one event on a pool, after a known head, is one statement, atomic by itself: no transaction around it
  if (bodies.length === 1 && isPool(db)) {
    const one = await appendAfterKnownHead(db, chainIdOf(bodies[0]!), bodies[0]!);
    if (one) return [one];
  }
  const chains = [...new Set(bodies.map(chainIdOf))].sort();
  const append = async (client: Queryable) => {
    const stored = new Map<string, StoredAuditEvent>();
    // INVARIANT: chain locks are always taken in sorted order, so two multi-chain appends cannot deadlock.
    for (const chainId of chains) {
      for (const s of await appendToChain(client, chainId, bodies.filter((b) => chainIdOf(b) === chainId))) stored.set(s.eventId, s);
    }
    return bodies.map((b) => stored.get(b.eventId)!);
  };
  return inCallersTransaction(db, append);
}

/** The last head this process saw per chain (a guess; see the module comment), bounded. */
const knownHeads = new Map<string, { seq: number; hash: string }>();
const MAX_KNOWN_HEADS = 10_000;

function rememberHead(chainId: string, seq: number, hash: string): void {
  knownHeads.delete(chainId);
  if (knownHeads.size >= MAX_KNOWN_HEADS) knownHeads.delete(knownHeads.keys().next().value!);
  knownHeads.set(chainId, { seq, hash });
}

type Body = Record<string, unknown> & StorableAuditEvent;

/** Append one event after the head this process remembers; null (nothing written) when that guess is stale. */
async function appendAfterKnownHead(db: Queryable, chainId: string, body: Body): Promise<StoredAuditEvent | null> {
  // why a new chain is guessed empty: most chains are new tasks, whose first event this process writes
  const head = knownHeads.get(chainId) ?? { seq: 0, hash: GENESIS_HASH };
  const r = await db.query<AuditRow>(
    'SELECT * FROM audit_append_after($1::text, $2::integer, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::jsonb)',
    [chainId, head.seq, head.hash, chainHash(head.hash, head.seq + 1, body), body.eventId, body.tenant, body.type, body.taskId ?? null, jsonParam(body)],
  );
  if (r.rows.length === 0) {
    knownHeads.delete(chainId);
    return null;
  }
  const row = toStored(r.rows[0]!);
  rememberHead(chainId, row.chainSeq, row.hash);
  return row;
}

async function appendToChain(client: Queryable, chainId: string, bodies: Body[]): Promise<StoredAuditEvent[]> {
  const out: StoredAuditEvent[] = [];
  for (let i = 0; i < bodies.length; i++) {
    const row = await appendAfterKnownHead(client, chainId, bodies[i]!);
    if (!row) {
      out.push(...(await appendFromLockedHead(client, chainId, bodies.slice(i))));
      return out;
    }
    out.push(row);
  }
  return out;
}

async function appendFromLockedHead(client: Queryable, chainId: string, bodies: Body[]): Promise<StoredAuditEvent[]> {
  // the chain's lock, then its head and the events already stored under these ids, in one round trip
  // (see migration 000013: the reads inside the function see every append committed before the lock)
  const r = await client.query<AuditRow & { head_seq: number | null; head_hash: string | null }>(
    'SELECT * FROM audit_chain_head_locked($1::text, $2::text[])',
    [chainId, bodies.map((b) => b.eventId)],
  );
  const known = new Map(r.rows.filter((row) => row.event_id).map((row) => [row.event_id, toStored(row)]));
  let seq = r.rows[0]?.head_seq ?? 0;
  let prevHash = r.rows[0]?.head_hash ?? GENESIS_HASH;
  const out: StoredAuditEvent[] = [];
  for (const body of bodies) {
    const prior = known.get(body.eventId);
    if (prior) {
      // why: a retried activity rebuilds its event (often with a later `at`); the first record stands
      // and the retry is a no-op. Only a different tenant or chain is a real clash of ids.
      if (prior.tenant !== body.tenant || prior.chainId !== chainId) throw new InterceptorError('CONFLICT', `audit event \`${body.eventId}\` was already recorded for another chain`);
      out.push(prior);
      continue;
    }
    seq += 1;
    const hash = chainHash(prevHash, seq, body);
    const inserted = await client.query<AuditRow>(
      `INSERT INTO audit_events (event_id, tenant, chain_id, chain_seq, prev_hash, hash, event_type, task_id, event)
       VALUES ($1::text, $2::text, $3::text, $4::integer, $5::text, $6::text, $7::text, $8::text, $9::jsonb) RETURNING ${COLUMNS}`,
      [body.eventId, body.tenant, chainId, seq, prevHash, hash, body.type, body.taskId ?? null, jsonParam(body)],
    );
    const row = toStored(inserted.rows[0]!);
    known.set(body.eventId, row);
    out.push(row);
    prevHash = hash;
  }
  if (seq > 0) rememberHead(chainId, seq, prevHash);
  return out;
}

/** A whole chain in order. */
export async function readChain(db: Queryable, chainId: string): Promise<StoredAuditEvent[]> {
  const r = await db.query<AuditRow>(`SELECT ${COLUMNS} FROM audit_events WHERE chain_id = $1::text ORDER BY chain_seq`, [chainId]);
  return r.rows.map(toStored);
}

export interface ChainVerification {
  chainId: string;
  length: number;
  /** Hash of the last event (what an evidence bundle pins), or null for an empty chain. */
  head: string | null;
  ok: boolean;
  break: ChainBreak | null;
}

/** Recompute a stored chain's hashes; reports the first break (an edited, missing or reordered event). */
export async function verifyStoredChain(db: Queryable, chainId: string): Promise<ChainVerification> {
  const events = await readChain(db, chainId);
  const brk = verifyChain(events.map((e) => ({ seq: e.chainSeq, prevHash: e.prevHash, hash: e.hash, event: e.event })));
  return { chainId, length: events.length, head: events.at(-1)?.hash ?? null, ok: brk === null, break: brk };
}

export const AuditFilterSchema = z.object({
  tenant: z.string().min(1),
  chainId: z.string().min(1).optional(),
  taskId: z.string().min(1).optional(),
  type: z.string().min(1).optional(),
  since: z.date().optional(),
  until: z.date().optional(),
});
export type AuditFilter = z.input<typeof AuditFilterSchema>;

const PageSchema = z.object({ first: z.number().int().min(1).max(1000).default(100), after: z.string().regex(/^\d{1,19}$/, 'must be a cursor from a previous page').optional() });
export type AuditPageRequest = z.input<typeof PageSchema>;

export interface AuditPage {
  events: StoredAuditEvent[];
  hasNextPage: boolean;
  /** Opaque cursor (the global seq of the last event) for `after`. */
  endCursor: string | null;
}

/** A tenant's events in the order they were stored, filtered, one page at a time (keyset on seq). */
export async function listAuditEvents(db: Queryable, filter: AuditFilter, page: AuditPageRequest = {}): Promise<AuditPage> {
  const f = parseOrFail(AuditFilterSchema, filter, 'audit filter');
  const p = parseOrFail(PageSchema, page, 'page');
  const r = await db.query<AuditRow>(
    `SELECT ${COLUMNS} FROM audit_events
      WHERE tenant = $1::text
        AND ($2::text IS NULL OR chain_id = $2::text)
        AND ($3::text IS NULL OR task_id = $3::text)
        AND ($4::text IS NULL OR event_type = $4::text)
        AND ($5::timestamptz IS NULL OR created_at >= $5::timestamptz)
        AND ($6::timestamptz IS NULL OR created_at < $6::timestamptz)
        AND seq > $7::bigint
      ORDER BY seq LIMIT $8::integer`,
    [f.tenant, f.chainId ?? null, f.taskId ?? null, f.type ?? null, f.since ?? null, f.until ?? null, p.after ?? '0', p.first + 1],
  );
  const events = r.rows.slice(0, p.first).map(toStored);
  return { events, hasNextPage: r.rows.length > p.first, endCursor: events.length > 0 ? String(events.at(-1)!.seq) : null };
}
