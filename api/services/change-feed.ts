/**
 * @module In-process change feed for subscriptions, fed by polling the database. Polling (rather than
 * LISTEN/NOTIFY) works unchanged on Postgres and on the embedded PGlite, and sees rows written by
 * the worker's activities whether they run in this process or another. One poller per topic serves
 * every subscriber of that topic; it runs only while someone listens.
 */
import { Repeater, SlidingBuffer } from 'graphql-yoga';

export interface FeedLogger {
  warn(obj: unknown, msg?: string): void;
}

interface Watcher {
  listeners: Set<(snapshot: unknown) => void>;
  poll: () => Promise<unknown>;
  fingerprint: (snapshot: unknown) => string;
  last?: string;
  timer?: NodeJS.Timeout;
  running: boolean;
  /** A poke arrived while a poll ran: that poll may have read too early, so another follows it. */
  again: boolean;
}

export class ChangeFeed {
  private readonly watchers = new Map<string, Watcher>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private closed = false;

  constructor(private readonly intervalMs: number, private readonly log: FeedLogger) {}

  /**
   * Snapshots of `topic`: the current one first, then one each time its fingerprint changes. The
   * caller must have checked that the viewer may read the topic before calling.
   */
  watch<T>(topic: string, poll: () => Promise<T>, fingerprint: (snapshot: T) => string): AsyncIterableIterator<T> {
    return new Repeater<T>(async (push, stop) => {
      const w = this.acquire(topic, poll as () => Promise<unknown>, fingerprint as (s: unknown) => string);
      const listener = (s: unknown) => void push(s as T).catch(() => undefined);
      w.listeners.add(listener);
      try {
        await push(await poll());
      } catch (e) {
        stop(e);
      }
      await stop;
      w.listeners.delete(listener);
      if (w.listeners.size === 0) this.release(topic);
    }, new SlidingBuffer(32));
  }

  /** Poll a topic now (after a mutation this process made), instead of at the next tick. */
  poke(topic: string): void {
    const w = this.watchers.get(topic);
    if (w) void this.tick(w);
    const waiting = this.waiters.get(topic);
    if (waiting) {
      this.waiters.delete(topic);
      for (const wake of waiting) wake();
    }
  }

  /** Poke every topic that starts with `prefix` (all the scopes of one tenant's task list). */
  pokePrefix(prefix: string): void {
    for (const topic of this.watchers.keys()) if (topic.startsWith(prefix)) this.poke(topic);
  }

  /**
   * Resolves at the next poke of `topic` or after `timeoutMs`, whichever comes first. why the timeout:
   * a worker in another process pokes nothing here, so a waiter must look again on its own.
   */
  next(topic: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(topic) ?? new Set<() => void>();
      this.waiters.set(topic, set);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        set.delete(wake);
        if (set.size === 0 && this.waiters.get(topic) === set) this.waiters.delete(topic);
        resolve();
      }, Math.max(0, timeoutMs));
      timer.unref();
      set.add(wake);
    });
  }

  close(): void {
    this.closed = true;
    for (const topic of [...this.watchers.keys()]) this.release(topic);
  }

  private acquire(topic: string, poll: () => Promise<unknown>, fingerprint: (s: unknown) => string): Watcher {
    const existing = this.watchers.get(topic);
    if (existing) return existing;
    const w: Watcher = { listeners: new Set(), poll, fingerprint, running: false, again: false };
    if (!this.closed) {
      w.timer = setInterval(() => void this.tick(w), this.intervalMs);
      w.timer.unref();
    }
    this.watchers.set(topic, w);
    return w;
  }

  private release(topic: string): void {
    const w = this.watchers.get(topic);
    if (w?.timer) clearInterval(w.timer);
    this.watchers.delete(topic);
  }

  private async tick(w: Watcher): Promise<void> {
    // INVARIANT: one poll per topic at a time, so snapshots reach listeners in order.
    if (w.listeners.size === 0) return;
    if (w.running) {
      w.again = true;
      return;
    }
    w.running = true;
    w.again = false;
    try {
      const snapshot = await w.poll();
      const fp = w.fingerprint(snapshot);
      if (fp !== w.last) {
        w.last = fp;
        for (const l of w.listeners) l(snapshot);
      }
    } catch (e) {
      this.log.warn({ err: e }, 'change feed poll failed');
    } finally {
      w.running = false;
      if (w.again) void this.tick(w);
    }
  }
}
