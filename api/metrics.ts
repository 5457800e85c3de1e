/**
 * @module Prometheus metrics for `/metrics`. Figures are derived from the database at scrape time,
 * so they count what the worker's activities recorded whether the worker runs in this process or
 * elsewhere: decisions by outcome, task latency (submit → outcome) and the approval queue size.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsSource {
  /** Step decisions recorded so far, by decision (ALLOW, DENY, REQUIRE_APPROVAL). */
  decisionCounts(): Promise<Record<string, number>>;
  /** Latency in seconds and completion time (epoch ms) of tasks completed after `sinceMs`, oldest first. */
  completedTasksSince(sinceMs: number, limit: number): Promise<{ completedAtMs: number; seconds: number; outcome: string }[]>;
  /** Approvals waiting for a decision. */
  pendingApprovals(): Promise<number>;
}

export interface Metrics {
  registry: Registry;
  /** Count one GraphQL operation handled by this process. */
  countOperation(type: string, ok: boolean): void;
  render(): Promise<string>;
}

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 86_400];

/** Build a registry of its own (several APIs may live in one test process). */
export function createMetrics(source: MetricsSource, opts: { defaultMetrics?: boolean; now?: () => number } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'interceptor_' });
  const seenDecisions = new Map<string, number>();
  // why: only tasks completing after start are observed, so a restart does not replay history into the histogram.
  let latencyWatermark = (opts.now ?? Date.now)();

  const decisions = new Counter({ name: 'interceptor_decisions_total', help: 'Step decisions recorded, by decision', labelNames: ['decision'], registers: [registry] });
  const latency = new Histogram({ name: 'interceptor_task_latency_seconds', help: 'Time from task submission to its outcome', labelNames: ['outcome'], buckets: LATENCY_BUCKETS, registers: [registry] });
  const operations = new Counter({ name: 'interceptor_graphql_operations_total', help: 'GraphQL operations handled', labelNames: ['type', 'result'], registers: [registry] });
  new Gauge({
    name: 'interceptor_approval_queue_size',
    help: 'Approvals waiting for a decision',
    registers: [registry],
    async collect() {
      this.set(await source.pendingApprovals());
    },
  });

  async function refresh(): Promise<void> {
    for (const [decision, count] of Object.entries(await source.decisionCounts())) {
      const delta = count - (seenDecisions.get(decision) ?? 0);
      if (delta > 0) decisions.inc({ decision }, delta);
      seenDecisions.set(decision, Math.max(count, seenDecisions.get(decision) ?? 0));
    }
    const done = await source.completedTasksSince(latencyWatermark, 10_000);
    for (const t of done) {
      latency.observe({ outcome: t.outcome }, t.seconds);
      latencyWatermark = Math.max(latencyWatermark, t.completedAtMs);
    }
  }

  return {
    registry,
    countOperation: (type, ok) => operations.inc({ type, result: ok ? 'ok' : 'error' }),
    async render() {
      await refresh();
      return registry.metrics();
    },
  };
}
