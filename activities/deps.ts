/** @module What the activities need from the outside world, injected by the worker's composition root. */
import type pg from 'pg';
import type { RedactionOptions } from '../governance/audit/index.js';
import type { ToolRuntime } from '../tools/runtime.js';

export interface TaskEvent {
  tenant: string;
  taskId: string;
  kind: 'decision' | 'step' | 'outcome' | 'approval';
  at: string;
  payload: unknown;
}

export interface ActivityDeps {
  db: pg.Pool;
  tools: ToolRuntime;
  /** Wall clock; activities are the only place that reads it. */
  now: () => Date;
  redaction?: RedactionOptions;
  /** Notified after a decision, step, approval or outcome is recorded (feeds GraphQL subscriptions). */
  publish?: (event: TaskEvent) => void;
  /** How long a tool execution may run before a retry may take it over. */
  toolLeaseMs?: number;
  /** How many approvals one submitter may have waiting at once; a step past it is denied (APPROVAL_QUEUE_FULL). Unlimited when absent. */
  maxPendingApprovals?: number;
}
