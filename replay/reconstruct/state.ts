/** @module The mutable state reconstruct() fills while it walks the facts of a history, and its helpers. */
import { digestJson } from '../../lib/canonical-json.js';
import type { AgentIdentity, DecisionReason, ExecutionPlan } from '../../governance/types.js';
import type { ActivityCall } from './facts.js';
import type { ApprovalRecord, StepRecord, TimelineEntry, Unrecognised } from './types.js';
import type { z } from 'zod';
import type { TaskInputSchema } from './schemas.js';

export type Actor = TimelineEntry['actor'];
export const SYSTEM: Actor = { kind: 'system', id: 'interceptor' };
/** The digest of no arguments, which every step has until its plan names its arguments. */
const EMPTY_ARGS_DIGEST = digestJson({});

export class ReplayState {
  input?: z.output<typeof TaskInputSchema>;
  workflow: { workflowId?: string; runId?: string; type?: string } = {};
  plan?: ExecutionPlan;
  planVersion?: string;
  identity?: AgentIdentity;
  readonly steps = new Map<string, StepRecord>();
  readonly approvals = new Map<string, ApprovalRecord>();
  readonly reservations = new Map<string, string>();
  readonly timeline: TimelineEntry[] = [];
  readonly unrecognised: Unrecognised[] = [];
  readonly budget = { reservations: 0, exceeded: 0, settled: 0, released: 0, settledUsage: { costUsd: 0, tokens: 0, wallTimeMs: 0 } };
  readonly retries = { total: 0, byActivity: {} as Record<string, number> };
  readonly activityMs: Record<string, number> = {};
  /**
   * Tool calls run as local activities that failed for good: their markers keep no input, so the step
   * they belong to is learnt from the FAILED step the workflow records next (recordStep).
   */
  readonly unattributedToolFailures: ActivityCall[] = [];
  awaitingApprovalMs = 0;
  outcome?: { status: string; outcome?: string; reasons: DecisionReason[]; riskLevel?: string };
  closed?: { status: string; at?: string };
  private readonly ids = new Map<string, number>();

  get taskId(): string {
    return this.input?.taskId ?? this.workflow.workflowId ?? 'task';
  }

  get agentActor(): Actor {
    return { kind: 'agent', id: this.input?.agentId ?? this.identity?.agentId ?? 'unknown' };
  }

  /** A step record, created on first sight when the plan did not name it (a history from elsewhere). */
  step(stepId: string, tool = ''): StepRecord {
    let s = this.steps.get(stepId);
    if (!s) {
      s = { stepId, tool, dependsOn: [], args: {}, argsDigest: EMPTY_ARGS_DIGEST, state: 'PENDING', reasons: [], sources: [], provenance: {} };
      this.steps.set(stepId, s);
    }
    return s;
  }

  /** Append a timeline entry; its id is stable for a history (kind, step, first event id, and a counter on collision). */
  add(e: Omit<TimelineEntry, 'id'>): TimelineEntry {
    return this.push({ id: '', ...e });
  }

  /**
   * Append an entry written with `id` first (its value is replaced by the stable id), as add() would
   * write it. why: the per-step handlers build their entries in one literal, without add()'s copy.
   */
  push(entry: TimelineEntry): TimelineEntry {
    const base = `${entry.kind}:${entry.stepId ?? '-'}:${entry.eventIds[0] ?? 0}`;
    const n = (this.ids.get(base) ?? 0) + 1;
    this.ids.set(base, n);
    entry.id = n === 1 ? base : `${base}#${n}`;
    this.timeline.push(entry);
    return entry;
  }

  unknown(call: ActivityCall, message: string): void {
    this.unrecognised.push({ eventId: (call.closed ?? call.scheduled).id, type: call.name, message });
  }
}

/** The history event ids an activity call spans, in order. */
export function callEventIds(call: ActivityCall): number[] {
  const ids: number[] = [];
  if (call.scheduled.id > 0) ids.push(call.scheduled.id);
  if (call.started !== undefined && call.started.id > 0) ids.push(call.started.id);
  if (call.closed !== undefined && call.closed.id > 0) ids.push(call.closed.id);
  return ids;
}

export function callAt(call: ActivityCall): string | undefined {
  return (call.closed ?? call.started ?? call.scheduled).at;
}

export function msBetween(a: string | undefined, b: string | undefined): number | undefined {
  if (!a || !b) return undefined;
  // why: a local activity's marker is its start and its end; one parse tells whether the time reads.
  if (a === b) return Number.isNaN(Date.parse(a)) ? undefined : 0;
  const d = Date.parse(b) - Date.parse(a);
  return Number.isFinite(d) ? Math.max(0, d) : undefined;
}

export function reasonText(reasons: readonly DecisionReason[]): string {
  return reasons.map((r) => r.message).join('; ');
}
