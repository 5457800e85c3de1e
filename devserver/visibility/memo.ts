/**
 * @module A bounded memo for per-value work done while scanning rows (parsing stored Datetime
 * strings, splitting Text into words). The same values are scanned by every query and every page,
 * so remembering them makes repeat scans cheap; the bound keeps memory flat whatever the data.
 */

/** Memoise a pure function of a string; the memo is dropped whole when it reaches `limit` entries. */
export function boundedMemo<T>(fn: (key: string) => T, limit: number): (key: string) => T {
  let memo = new Map<string, T>();
  return (key) => {
    if (memo.has(key)) return memo.get(key) as T;
    const value = fn(key);
    // why drop everything rather than evict one: no per-hit bookkeeping on the hot path, and a
    // working set larger than the limit would thrash an LRU just the same
    if (memo.size >= limit) memo = new Map();
    memo.set(key, value);
    return value;
  };
}
