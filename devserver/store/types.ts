/**
 * @module The persistence boundary. The engine commits one batch per request (every run it touched,
 * the events it appended, namespace metadata), synchronously, before it answers or hands out a task.
 */
import type { Msg } from '../proto.js';
import type { RunState } from '../state/types.js';

export interface CommitBatch {
  /** Runs touched by the request, with their state already serialised. */
  runs: { key: string; json: string }[];
  /** Appended events, each with its JSON serialisation (made once, when it was appended). */
  events: { runKey: string; event: Msg; json: string }[];
  meta: [string, string][];
  /** Events to delete from this id on, applied before `events` (discarded speculative tasks). */
  truncates?: { runKey: string; fromEventId: number }[];
}

export interface LoadedState {
  runs: RunState[];
  events: Map<string, Msg[]>;
  meta: Map<string, string>;
}

export interface Store {
  load(): LoadedState;
  commit(batch: CommitBatch): void;
  close(): void;
}

/** In-memory mode, like the real CLI without --db-filename: the same code path, nothing written. */
export class MemoryStore implements Store {
  load(): LoadedState {
    return { runs: [], events: new Map(), meta: new Map() };
  }
  commit(): void {}
  close(): void {}
}
