/** @module Keyed wake-ups for long-polling RPCs (updates, queries); volatile by design. */
export class Waiters {
  private readonly map = new Map<string, Set<() => void>>();

  add(key: string, cb: () => void): () => void {
    let set = this.map.get(key);
    if (!set) {
      set = new Set();
      this.map.set(key, set);
    }
    set.add(cb);
    return () => {
      set.delete(cb);
      if (set.size === 0) this.map.delete(key);
    };
  }

  wakeAll(): void {
    for (const key of [...this.map.keys()]) this.wake(key);
  }

  wake(key: string): void {
    const set = this.map.get(key);
    if (!set) return;
    this.map.delete(key);
    for (const cb of set) cb();
  }
}

/**
 * Resolves with `check()` once it returns a value, re-checking on every wake of `key`; after
 * `timeoutMs` resolves with `onTimeout()`. `onCancel` registers cleanup for a cancelled call.
 */
export function waitFor<T>(w: Waiters, key: string, check: () => T | undefined, timeoutMs: number, onTimeout: () => T, onCancel?: (cb: () => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let unsub = (): void => {};
    let done = false;
    const finish = (fn: () => T): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsub();
      try {
        resolve(fn());
      } catch (e) {
        reject(e);
      }
    };
    const timer = setTimeout(() => finish(onTimeout), timeoutMs);
    const arm = (): void => {
      if (done) return;
      let v: T | undefined;
      try {
        v = check();
      } catch (e) {
        done = true;
        clearTimeout(timer);
        reject(e);
        return;
      }
      if (v !== undefined) finish(() => v as T);
      else unsub = w.add(key, arm);
    };
    onCancel?.(() => {
      done = true;
      clearTimeout(timer);
      unsub();
    });
    arm();
  });
}
