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

/**
 * The largest result a step keeps, serialised: it is stored with the execution and the step, and
 * the API returns it (history keeps only its digest). A larger one fails the step.
 */
export const MAX_TOOL_RESULT_BYTES = 1024 * 1024;

/** The outcome as a step keeps it: a result over MAX_TOOL_RESULT_BYTES becomes the failure RESULT_TOO_LARGE. */
export function boundedOutcome(outcome: ToolOutcome): ToolOutcome {
  if (!outcome.ok) return outcome;
  let bytes: number;
  try {
    bytes = Buffer.byteLength(JSON.stringify(outcome.result ?? null), 'utf8');
  } catch {
    bytes = Infinity; // too large (or too deep) to serialise at all
  }
  if (bytes <= MAX_TOOL_RESULT_BYTES) return outcome;
  return toolError('RESULT_TOO_LARGE', `the tool's result is ${Number.isFinite(bytes) ? `${bytes} bytes` : 'too large to serialise'} and a step keeps at most ${MAX_TOOL_RESULT_BYTES}: ask for less (fewer rows or columns, a smaller file)`);
}

export function toolError(code: string, message: string): ToolOutcome {
  return { ok: false, error: { code, message } };
}
