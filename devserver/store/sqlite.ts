/**
 * @module SQLite store (better-sqlite3).
 *
 * Why SQLite: its synchronous API fits the engine's model (every mutation is synchronous between
 * awaits), so one request = one transaction with no interleaving, and prepared statements keep a
 * commit well under a millisecond. An append-only log would need its own compaction and torn-write
 * handling; Postgres would add a server and async round trips per request.
 *
 * Durability: WAL with synchronous=NORMAL. A commit is a write() into the WAL file; it is in the OS
 * page cache when the call returns, so a `kill -9` of this process loses nothing. Only an OS crash
 * or power loss could drop the last transactions (never corrupt the file), an acceptable trade for
 * a development server. Measured on the 2-core machine with this schema, 64 interleaved runs, a
 * 3 KB run state and two 400-byte events per commit: ~0.1 ms per commit with NORMAL, ~2 ms with
 * FULL (an fsync per commit, which alone would take the one-activity workflow from ~6 commits to
 * over 12 ms of latency).
 *
 * Schema (v2): runs get a small integer `run_no` (rowid), so a run's state is updated in place in
 * one table page (a rowid table keeps rows up to ~4 KB inline, where the former WITHOUT ROWID table
 * keyed by text spilled them into overflow pages that every update rewrote), and events are keyed
 * by (run_no, event_id), so the events of the live, most recent runs are appended at the right edge
 * of the b-tree instead of at random places. That made a commit ~40 % cheaper. A v1 file (tables
 * keyed by `namespace/runId` text) is migrated once, in one transaction, when it is opened.
 */
import Database from 'better-sqlite3';
import type { Msg } from '../proto.js';
import type { RunState } from '../state/types.js';
import type { CommitBatch, LoadedState, Store } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs_v2 (run_no INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events_v2 (run_no INTEGER NOT NULL, event_id INTEGER NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (run_no, event_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
`;

/** v1 -> v2: same rows, runs numbered in key order, events re-keyed by their run's number. */
const MIGRATE_V1 = `
INSERT INTO runs_v2 (key, state) SELECT key, state FROM runs ORDER BY key;
INSERT INTO events_v2 (run_no, event_id, data) SELECT r.run_no, e.event_id, e.data FROM events e JOIN runs_v2 r ON r.key = e.run_key;
DROP TABLE events;
DROP TABLE runs;
`;

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  /** run key -> run_no of every committed run. */
  private readonly runNos = new Map<string, number>();
  private readonly insertRun: Database.Statement;
  private readonly updateRun: Database.Statement;
  private readonly putEvent: Database.Statement;
  private readonly putMeta: Database.Statement;
  private readonly cutEvents: Database.Statement;
  private readonly tx: (b: CommitBatch) => [string, number][];

  constructor(filename: string) {
    this.db = new Database(filename);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.transaction(() => {
      this.db.exec(SCHEMA);
      const v1 = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get();
      if (v1) this.db.exec(MIGRATE_V1);
    })();
    this.insertRun = this.db.prepare('INSERT INTO runs_v2 (key, state) VALUES (?, ?)');
    this.updateRun = this.db.prepare('UPDATE runs_v2 SET state = ? WHERE run_no = ?');
    // why: plain INSERT, so a bug that re-appends an event id fails the transaction instead of
    // silently overwriting history
    this.putEvent = this.db.prepare('INSERT INTO events_v2 (run_no, event_id, data) VALUES (?, ?, ?)');
    this.putMeta = this.db.prepare('INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)');
    this.cutEvents = this.db.prepare('DELETE FROM events_v2 WHERE run_no = ? AND event_id >= ?');
    this.tx = this.db.transaction((b: CommitBatch) => {
      // why a local map: numbers of runs inserted here become visible only if the transaction commits
      const added = new Map<string, number>();
      const runNo = (key: string): number => {
        const n = this.runNos.get(key) ?? added.get(key);
        if (n === undefined) throw new Error(`run \`${key}\` has events but was never stored`);
        return n;
      };
      for (const t of b.truncates ?? []) {
        const n = this.runNos.get(t.runKey);
        if (n !== undefined) this.cutEvents.run(n, t.fromEventId);
      }
      for (const r of b.runs) {
        const n = this.runNos.get(r.key);
        if (n === undefined) added.set(r.key, Number(this.insertRun.run(r.key, r.json).lastInsertRowid));
        else this.updateRun.run(r.json, n);
      }
      for (const e of b.events) this.putEvent.run(runNo(e.runKey), e.event.eventId, e.json);
      for (const [k, v] of b.meta) this.putMeta.run(k, v);
      return [...added];
    });
  }

  load(): LoadedState {
    const rows = this.db.prepare('SELECT run_no, key, state FROM runs_v2').all() as { run_no: number; key: string; state: string }[];
    const keyOf = new Map<number, string>();
    const runs = rows.map((r) => {
      this.runNos.set(r.key, r.run_no);
      keyOf.set(r.run_no, r.key);
      return JSON.parse(r.state) as RunState;
    });
    const events = new Map<string, Msg[]>();
    const eventRows = this.db.prepare('SELECT run_no, data FROM events_v2 ORDER BY run_no, event_id').iterate() as IterableIterator<{ run_no: number; data: string }>;
    for (const row of eventRows) {
      const key = keyOf.get(row.run_no);
      if (key === undefined) continue;
      let list = events.get(key);
      if (!list) {
        list = [];
        events.set(key, list);
      }
      list.push(JSON.parse(row.data) as Msg);
    }
    const meta = new Map((this.db.prepare('SELECT k, v FROM meta').all() as { k: string; v: string }[]).map((r) => [r.k, r.v] as const));
    return { runs, events, meta };
  }

  commit(batch: CommitBatch): void {
    if (batch.runs.length === 0 && batch.events.length === 0 && batch.meta.length === 0 && !batch.truncates?.length) return;
    for (const [key, n] of this.tx(batch)) this.runNos.set(key, n);
  }

  close(): void {
    this.db.close();
  }
}
