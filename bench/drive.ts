/** @module Closed-loop load for the task benchmarks: N tasks at a fixed concurrency, latency percentiles and throughput. */

export interface Run { concurrency: number; tasks: number; seconds: number; tasksPerSec: number; p50Ms: number; p99Ms: number }

/** The p-th percentile (0–100) of ascending samples; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * Runs `one` (which returns its latency in ms) `tasks` times with `concurrency` callers, each
 * starting its next task when the last one ends, after five warm-up tasks that are not counted.
 */
export async function drive(one: () => Promise<number>, concurrency: number, tasks: number): Promise<Run> {
  for (let i = 0; i < Math.min(5, tasks); i++) await one();
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < tasks) {
      next++;
      latencies.push(await one());
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { concurrency, tasks, seconds: +seconds.toFixed(2), tasksPerSec: +(tasks / seconds).toFixed(1), p50Ms: +percentile(latencies, 50).toFixed(1), p99Ms: +percentile(latencies, 99).toFixed(1) };
}
