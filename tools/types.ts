/** @module What a built-in tool executor receives and returns. */
import type { Queryable } from '../db/pool.js';

export interface ToolContext {
  tenant: string;
  taskId: string;
  stepId: string;
  /** Idempotency key of this execution: the same key never acts twice. */
  executionKey: string;
  args: Record<string, unknown>;
  /** Database handle for tools whose effect lives in Postgres (their effect commits with the execution record). */
  db: Queryable;
  signal?: AbortSignal;
}

export type ToolOutcome =
  | { ok: true; result: unknown; usage?: { costUsd?: number; tokens?: number } }
  | { ok: false; error: { code: string; message: string } };

export type ToolExecutor = (ctx: ToolContext) => Promise<ToolOutcome>;

export function toolError(code: string, message: string): ToolOutcome {
  return { ok: false, error: { code, message } };
}
