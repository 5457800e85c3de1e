/**
 * @module checkDeterminism: replay a recorded history against workflow code with the SDK's replay
 * worker, and say where it diverged. NOT pure (it starts a replay worker and may bundle workflow code),
 * so it is the one module of replay/ exempt from the purity rule; callers are the CLI, CI and tests.
 */
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { z } from 'zod';
import { parseOrFail } from '../../lib/validation.js';
import { historyFromPlainJson } from '../history/from-json.js';

export interface DeterminismResult {
  ok: boolean;
  error?: { eventId?: number; message: string; command?: string; kind: 'nondeterminism' | 'replay-failure' };
}

const OptionsSchema = z.union([
  z.object({ workflowsPath: z.string().min(1), workflowId: z.string().optional() }).strict(),
  z.object({ workflowBundle: z.looseObject({ code: z.string() }), workflowId: z.string().optional() }).strict(),
]);
export type DeterminismOptions = { workflowId?: string } & ({ workflowsPath: string } | { workflowBundle: WorkflowBundle });

/** The event id and command named in a core nondeterminism message, when it names them. */
export function parseViolation(message: string): { eventId?: number; command?: string } {
  // why this order: core messages may name the last processed event before the offending one.
  const id = /HistoryEvent\(\s*id:\s*(\d+)/i.exec(message) ?? /\bevent[ _]id[:=\s]+(\d+)/i.exec(message) ?? /\bevent\s*[#:]?\s*(\d+)/i.exec(message);
  const command = /\b(Command[A-Z][A-Za-z]+|(?:ScheduleActivityTask|StartTimer|CancelTimer|CompleteWorkflowExecution|FailWorkflowExecution|RecordMarker|StartChildWorkflowExecution|SignalExternalWorkflowExecution|UpsertWorkflowSearchAttributes|ContinueAsNewWorkflowExecution|RequestCancelActivityTask)(?:Command)?)\b/.exec(message);
  return { ...(id ? { eventId: Number(id[1]) } : {}), ...(command ? { command: command[1] } : {}) };
}

/**
 * Replay `history` (proto object or parsed history JSON) against the workflows at `workflowsPath`
 * (or a prebuilt bundle). ok: false with the event and command when the code no longer matches.
 */
export async function checkDeterminism(history: unknown, opts: DeterminismOptions): Promise<DeterminismResult> {
  parseOrFail(OptionsSchema, opts, 'determinism options');
  const events = (history as { events?: Array<{ eventId?: unknown }> } | null)?.events;
  const h = Array.isArray(events) && typeof events[0]?.eventId === 'string' ? historyFromPlainJson(history as { events: unknown[] }) : history;
  const source = 'workflowsPath' in opts ? { workflowsPath: opts.workflowsPath } : { workflowBundle: opts.workflowBundle };
  try {
    await Worker.runReplayHistory({ ...source, replayName: 'interceptor-determinism-check' }, h, opts.workflowId);
    return { ok: true };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const name = (e as { name?: unknown } | null)?.name;
    const kind = name === 'DeterminismViolationError' ? 'nondeterminism' : 'replay-failure';
    return { ok: false, error: { kind, message, ...parseViolation(message) } };
  }
}
