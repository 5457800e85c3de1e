/**
 * The SQLite store on its own: v1 files are migrated without loss, and a transaction that fails
 * leaves neither rows nor a remembered run number behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunState } from '../state/types.js';
import { SqliteStore } from './sqlite.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dbFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'devserver-store-'));
  dirs.push(dir);
  return join(dir, 'state.db');
}

const state = (runId: string): RunState => ({ namespace: 'default', runId, workflowId: `wf-${runId}` }) as unknown as RunState;
const event = (eventId: number, type = 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED'): { eventId: number; eventType: string } => ({ eventId, eventType: type });
/** An appended event as the engine hands it to the store: the message and its JSON. */
function appended(runKey: string, eventId: number, type?: string): { runKey: string; event: { eventId: number; eventType: string }; json: string } {
  const e = event(eventId, type);
  return { runKey, event: e, json: JSON.stringify(e) };
}

function tables(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

describe('SqliteStore', () => {
  it('migrates a v1 file (text-keyed runs and events) once, keeping every run, event and meta row', () => {
    const file = dbFile();
    const v1 = new Database(file);
    v1.exec(`CREATE TABLE runs (key TEXT PRIMARY KEY, state TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE events (run_key TEXT NOT NULL, event_id INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run_key, event_id)) WITHOUT ROWID;
      CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;`);
    for (const id of ['b', 'a']) {
      v1.prepare('INSERT INTO runs VALUES (?, ?)').run(`default/${id}`, JSON.stringify(state(id)));
      for (let e = 1; e <= 3; e++) v1.prepare('INSERT INTO events VALUES (?, ?, ?)').run(`default/${id}`, e, JSON.stringify(event(e)));
    }
    v1.prepare('INSERT INTO meta VALUES (?, ?)').run('ns/default', '{"id":"x"}');
    v1.close();

    const store = new SqliteStore(file);
    const loaded = store.load();
    expect(loaded.runs.map((r) => r.runId).sort()).toEqual(['a', 'b']);
    expect(loaded.events.get('default/a')?.map((e) => e.eventId)).toEqual([1, 2, 3]);
    expect(loaded.events.get('default/b')?.map((e) => e.eventId)).toEqual([1, 2, 3]);
    expect(loaded.meta.get('ns/default')).toBe('{"id":"x"}');
    // the migrated run keeps taking events under its new number
    store.commit({ runs: [{ key: 'default/a', json: JSON.stringify(state('a')) }], events: [appended('default/a', 4)], meta: [] });
    store.close();
    expect(tables(file)).toEqual(['events_v2', 'meta', 'runs_v2']);

    const again = new SqliteStore(file);
    expect(again.load().events.get('default/a')?.map((e) => e.eventId)).toEqual([1, 2, 3, 4]);
    again.close();
  });

  it('forgets the number of a new run whose transaction failed, so a later commit stores it once', () => {
    const file = dbFile();
    const store = new SqliteStore(file);
    store.load();
    const run = { key: 'default/r', json: JSON.stringify(state('r')) };
    // a duplicated event id makes the transaction throw after the run row was inserted
    expect(() => store.commit({ runs: [run], events: [appended('default/r', 1), appended('default/r', 1)], meta: [] })).toThrow();
    store.commit({ runs: [run], events: [appended('default/r', 1)], meta: [] });
    store.commit({ runs: [run], events: [appended('default/r', 2)], meta: [] });
    store.close();

    const reopened = new SqliteStore(file);
    const loaded = reopened.load();
    expect(loaded.runs.map((r) => r.runId)).toEqual(['r']);
    expect(loaded.events.get('default/r')?.map((e) => e.eventId)).toEqual([1, 2]);
    reopened.close();
  });

  it('cuts the events of a discarded speculative task from the given id on', () => {
    const file = dbFile();
    const store = new SqliteStore(file);
    store.load();
    const run = { key: 'default/s', json: JSON.stringify(state('s')) };
    store.commit({ runs: [run], events: [1, 2, 3, 4].map((i) => appended('default/s', i)), meta: [] });
    store.commit({ runs: [run], events: [appended('default/s', 3, 'EVENT_TYPE_TIMER_STARTED')], meta: [], truncates: [{ runKey: 'default/s', fromEventId: 3 }] });
    store.close();
    const reopened = new SqliteStore(file);
    expect(reopened.load().events.get('default/s')?.map((e) => [e.eventId, e.eventType])).toEqual([[1, 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED'], [2, 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED'], [3, 'EVENT_TYPE_TIMER_STARTED']]);
    reopened.close();
  });
});
