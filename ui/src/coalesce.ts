/**
 * @module Deliver values at most once every `gapMs`: the first at once, later ones within the gap as
 * one (the latest) at its end. Pure apart from the timer functions it is given.
 */

export interface Coalescer<T> {
  push(value: T): void;
  /** Drop a value waiting for the end of its gap; nothing is delivered after this. */
  cancel(): void;
}

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(id: number): void;
}

export function coalesce<T>(deliver: (value: T) => void, gapMs: number, timers: Timers): Coalescer<T> {
  let last = Number.NEGATIVE_INFINITY;
  let trailing = 0;
  let latest: { value: T } | null = null;
  let cancelled = false;
  return {
    push(value) {
      if (cancelled) return;
      const wait = last + gapMs - timers.now();
      if (wait <= 0 && !trailing) {
        last = timers.now();
        deliver(value);
        return;
      }
      latest = { value };
      trailing ||= timers.setTimeout(() => {
        trailing = 0;
        last = timers.now();
        const next = latest;
        latest = null;
        if (next && !cancelled) deliver(next.value);
      }, Math.max(0, wait));
    },
    cancel() {
      cancelled = true;
      latest = null;
      timers.clearTimeout(trailing);
    },
  };
}
