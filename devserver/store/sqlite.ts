/**
 * @module SQLite store (better-sqlite3).
 *
 * Why SQLite: its synchronous API fits the engine's model (every mutation is synchronous between
 * awaits), so one request = one transaction with no interleaving, and prepared statements keep a
 * commit well under a millisecond. WAL with synchronous=NORMAL: a commit is a write() into the WAL
 * file; it is in the OS page cache when the call returns, so a `kill -9` of this process loses
 * nothing (only an OS crash or power loss could drop the last transactions, an acceptable trade for
 * a development server; set synchronous=FULL for that). An append-only log would need its own
 * compaction and torn-write handling; Postgres would add a server and async round trips per request.
 */
import Database from 'better-sqlite3';
import type { Msg } from '../proto.js';
import type { RunState } from '../state/types.js';
import type { CommitBatch, LoadedState, Store } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (key TEXT PRIMARY KEY, state TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (run_key TEXT NOT NULL, event_id INTEGER NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (run_key, event_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
`;

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly putRun: Database.Statement;
  private readonly putEvent: Database.Statement;
  private readonly putMeta: Database.Statement;
  private readonly cutEvents: Database.Statement;
  private readonly tx: (b: CommitBatch) => void;

  constructor(filename: string) {
    this.db = new Database(filename);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.putRun = this.db.prepare('INSERT OR REPLACE INTO runs (key, state) VALUES (?, ?)');
    // why: plain INSERT, so a bug that re-appends an event id fails the transaction instead of
    // silently overwriting history
    this.putEvent = this.db.prepare('INSERT INTO events (run_key, event_id, data) VALUES (?, ?, ?)');
    this.putMeta = this.db.prepare('INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)');
    this.cutEvents = this.db.prepare('DELETE FROM events WHERE run_key = ? AND event_id >= ?');
    this.tx = this.db.transaction((b: CommitBatch) => {
      for (const t of b.truncates ?? []) this.cutEvents.run(t.runKey, t.fromEventId);
      for (const r of b.runs) this.putRun.run(r.key, r.json);
      for (const e of b.events) this.putEvent.run(e.runKey, e.event.eventId, JSON.stringify(e.event));
      for (const [k, v] of b.meta) this.putMeta.run(k, v);
    });
  }

  load(): LoadedState {
    const runs = (this.db.prepare('SELECT state FROM runs').all() as { state: string }[]).map((r) => JSON.parse(r.state) as RunState);
    const events = new Map<string, Msg[]>();
    const rows = this.db.prepare('SELECT run_key, data FROM events ORDER BY run_key, event_id').iterate() as IterableIterator<{ run_key: string; data: string }>;
    for (const row of rows) {
      let list = events.get(row.run_key);
      if (!list) {
        list = [];
        events.set(row.run_key, list);
      }
      list.push(JSON.parse(row.data) as Msg);
    }
    const meta = new Map((this.db.prepare('SELECT k, v FROM meta').all() as { k: string; v: string }[]).map((r) => [r.k, r.v] as const));
    return { runs, events, meta };
  }

  commit(batch: CommitBatch): void {
    if (batch.runs.length === 0 && batch.events.length === 0 && batch.meta.length === 0 && !batch.truncates?.length) return;
    this.tx(batch);
  }

  close(): void {
    this.db.close();
  }
}
