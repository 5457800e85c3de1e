/**
 * @module Task queues with long-poll waiters. Entries are references (run + scheduled id); whether
 * they are still valid is decided at delivery, so stale entries are simply skipped. A poller whose
 * call was cancelled is never handed a task: it is removed on `cancelled` and re-checked before use.
 */
import type { Msg } from '../proto.js';

export interface QueueEntry {
  kind: 'wft' | 'act' | 'query';
  runKey: string;
  scheduledId: number;
  attempt: number;
  queryId?: string;
}

export interface Poller {
  isCancelled(): boolean;
  resolve(response: Msg): void;
}

/** Delivers an entry to a poller; returns the poll response, or undefined when the entry is stale. */
export type Deliver = (entry: QueueEntry, identity: string) => Msg | undefined;

interface Waiting {
  poller: Poller;
  identity: string;
  deadline: number;
  timer: NodeJS.Timeout;
}

class Queue {
  readonly entries: QueueEntry[] = [];
  head = 0;
  readonly waiting: Waiting[] = [];

  shift(): QueueEntry | undefined {
    if (this.head >= this.entries.length) return undefined;
    const e = this.entries[this.head++];
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
    return e;
  }

  get size(): number {
    return this.entries.length - this.head;
  }
}

export class TaskQueues {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly deliver: Deliver, private readonly pollTimeoutMs: number) {}

  private get(key: string): Queue {
    let q = this.queues.get(key);
    if (!q) {
      q = new Queue();
      this.queues.set(key, q);
    }
    return q;
  }

  static key(ns: string, kind: 'wf' | 'act', name: string): string {
    return `${ns}\u0000${kind}\u0000${name}`;
  }

  push(key: string, entry: QueueEntry): void {
    this.get(key).entries.push(entry);
  }

  hasPoller(key: string): boolean {
    const q = this.queues.get(key);
    return !!q && q.waiting.some((w) => !w.poller.isCancelled());
  }

  /** Long poll: answers at once when a valid entry is queued, else waits up to the poll timeout. */
  poll(key: string, identity: string, poller: Poller, onCancel: (cb: () => void) => void): void {
    const q = this.get(key);
    const r = this.takeValid(q, identity);
    if (r) {
      poller.resolve(r);
      return;
    }
    const w: Waiting = { poller, identity, deadline: Date.now() + this.pollTimeoutMs, timer: undefined as unknown as NodeJS.Timeout };
    w.timer = this.rearm(q, w);
    q.waiting.push(w);
    onCancel(() => {
      clearTimeout(w.timer);
      this.remove(q, w);
    });
  }

  private rearm(q: Queue, w: Waiting): NodeJS.Timeout {
    return setTimeout(() => {
      this.remove(q, w);
      w.poller.resolve({});
    }, Math.max(0, w.deadline - Date.now()));
  }

  private remove(q: Queue, w: Waiting): void {
    const i = q.waiting.indexOf(w);
    if (i >= 0) q.waiting.splice(i, 1);
  }

  private takeValid(q: Queue, identity: string): Msg | undefined {
    for (let e = q.shift(); e; e = q.shift()) {
      const r = this.deliver(e, identity);
      if (r) return r;
    }
    return undefined;
  }

  /** Hands queued entries to waiting pollers; called after every commit that enqueued work. */
  dispatch(key: string): void {
    const q = this.queues.get(key);
    if (!q) return;
    // why: the poller leaves the waiting list before delivery, so a nested dispatch (delivery
    // commits, and commits may dispatch) can never hand a second task to the same call
    while (q.size > 0) {
      const w = q.waiting.shift();
      if (!w) return;
      clearTimeout(w.timer);
      if (w.poller.isCancelled()) continue;
      const r = this.takeValid(q, w.identity);
      if (!r) {
        q.waiting.unshift(w);
        w.timer = this.rearm(q, w);
        return;
      }
      w.poller.resolve(r);
    }
  }

  /** Answers every waiting poller with an empty response (server shutdown). */
  releaseAll(): void {
    for (const q of this.queues.values()) {
      for (const w of q.waiting.splice(0)) {
        clearTimeout(w.timer);
        w.poller.resolve({});
      }
    }
  }
}
