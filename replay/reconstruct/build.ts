/** @module reconstruct(): a governed task's replay record, from its Temporal history and nothing else. */
import { z } from 'zod';
import { parseOrFail } from '../../lib/validation.js';
import { readHistory, type NormalEvent } from '../history/events.js';
import { onCancelRequested, onExpire, onRequestApproval, onSignal } from './approvals.js';
import { HistoryDigest } from './digest.js';
import { collectFacts, type ActivityCall, type Fact } from './facts.js';
import { buildGraph } from './graph.js';
import { onAuthenticate, onExtractPlan } from './plan-identity.js';
import { TaskInputSchema, check } from './schemas.js';
import { SYSTEM, callAt, callEventIds, msBetween, ReplayState } from './state.js';
import { onAssess, onExecute, onRecordOutcome, onRecordStep, onReserve, onSettle } from './steps.js';
import { buildSummary } from './summary.js';
import { RECORD_VERSION, type ReconstructOptions, type ReplayRecord } from './types.js';

const OptionsSchema = z.object({ maxTimelineEntries: z.number().int().positive().optional() }).strict();

type Handler = (s: ReplayState, call: ActivityCall) => void;
/** The tool activity as an ordinary activity and as a local one (quick built-in tools): its failures are the step's. */
const TOOL_ACTIVITIES: ReadonlySet<string> = new Set(['executeTool', 'executeQuickTool']);
const HANDLERS: Record<string, Handler> = {
  extractPlan: onExtractPlan,
  authenticateAgent: onAuthenticate,
  assessStep: onAssess,
  requestApproval: onRequestApproval,
  expireApproval: onExpire,
  reserveBudget: onReserve,
  executeTool: onExecute,
  executeQuickTool: onExecute,
  settleBudget: onSettle,
  recordStep: onRecordStep,
  recordOutcome: onRecordOutcome,
};

function onStarted(s: ReplayState, e: NormalEvent, input: unknown): void {
  const exec = e.attrs.workflowId ?? (e.attrs as { workflowExecution?: { workflowId?: unknown } }).workflowExecution?.workflowId;
  s.workflow = {
    ...(typeof exec === 'string' ? { workflowId: exec } : {}),
    ...(typeof e.attrs.originalExecutionRunId === 'string' ? { runId: e.attrs.originalExecutionRunId } : {}),
    ...(typeof (e.attrs.workflowType as { name?: unknown } | undefined)?.name === 'string' ? { type: (e.attrs.workflowType as { name: string }).name } : {}),
  };
  const r = check(TaskInputSchema, input, 'workflow input');
  if (r.ok) s.input = r.value;
  else s.unrecognised.push({ eventId: e.id, type: e.type, message: r.message });
  const who = r.ok ? r.value.submittedBy : undefined;
  s.add({
    at: e.at, kind: 'task.started', actor: who && ['agent', 'user', 'system'].includes(who.kind) ? { kind: who.kind as 'agent' | 'user' | 'system', id: who.id } : SYSTEM, eventIds: [e.id],
    summary: r.ok ? `task \`${r.value.taskId}\` submitted by agent \`${r.value.agentId}\` for tenant \`${r.value.tenant}\`: ${r.value.goal}` : `workflow \`${s.workflow.type ?? 'unknown'}\` started`,
    data: r.ok ? { taskId: r.value.taskId, tenant: r.value.tenant, agentId: r.value.agentId, goal: r.value.goal, format: r.value.source.format } : { workflowType: s.workflow.type },
  });
}

function onActivity(s: ReplayState, call: ActivityCall): void {
  const ms = msBetween(call.scheduled.at, call.closed?.at);
  if (ms !== undefined) s.activityMs[call.name] = (s.activityMs[call.name] ?? 0) + ms;
  if (!call.closed) return s.unknown(call, `activity \`${call.name}\` had not closed when the history was read`);
  const handler = HANDLERS[call.name];
  // why the input check: a failed local activity's marker keeps no input; its step is learnt from the
  // FAILED step recorded next (onRecordStep), and the call is listed as failed meanwhile.
  const unattributed = TOOL_ACTIVITIES.has(call.name) && call.input === undefined;
  if (call.closeType !== 'Completed' && (unattributed || !TOOL_ACTIVITIES.has(call.name))) {
    if (unattributed) s.unattributedToolFailures.push(call);
    s.add({ at: callAt(call), kind: 'activity.failed', actor: SYSTEM, eventIds: callEventIds(call), summary: `activity \`${call.name}\` ${call.closeType?.toLowerCase() ?? 'failed'} after ${call.attempt} attempt(s): ${call.failure ?? ''}`, data: { activity: call.name, attempts: call.attempt, failure: call.failure } });
    if (!handler) s.unknown(call, `activity \`${call.name}\` is not one of the governed-task activities`);
    return;
  }
  if (handler) return handler(s, call);
  s.unknown(call, `activity \`${call.name}\` is not one of the governed-task activities`);
}

function onFact(s: ReplayState, f: Fact): void {
  switch (f.kind) {
    case 'started': return onStarted(s, f.event, f.input);
    case 'activity': return onActivity(s, f.call);
    case 'retry':
      s.retries.total++;
      s.retries.byActivity[f.call.name] = (s.retries.byActivity[f.call.name] ?? 0) + 1;
      s.add({ at: f.event.at, kind: 'activity.retried', actor: SYSTEM, eventIds: [f.call.scheduled.id, f.event.id], summary: `activity \`${f.call.name}\` ran attempt ${f.call.attempt}`, data: { activity: f.call.name, attempt: f.call.attempt } });
      return;
    case 'signal': return onSignal(s, f.event, f.name, f.payload);
    case 'cancel-requested': return onCancelRequested(s, f.event, f.cause);
    case 'closed':
      s.closed = { status: f.status, ...(f.event.at ? { at: f.event.at } : {}) };
      s.add({ at: f.event.at, kind: 'task.closed', actor: SYSTEM, eventIds: [f.event.id], summary: `workflow ${f.status.toLowerCase()}${f.failure ? `: ${f.failure}` : ''}`, data: { status: f.status, ...(f.failure ? { failure: f.failure } : {}) } });
  }
}

/**
 * The digest that ties a record to its history (definition in digest.ts) from the events and the content
 * each contributed, keyed by event id. reconstruct() computes the same digest while it reads the events.
 */
export function historyDigestOf(events: readonly NormalEvent[], content: ReadonlyMap<number, unknown[]>): string {
  const d = new HistoryDigest();
  for (const e of events) d.event(e.id, e.type, e.at, content.get(e.id));
  return d.hex();
}

/**
 * Rebuild what a governed task did from its history (proto object from `fetchHistory()` or parsed
 * history JSON). Pure; never throws on a history it does not understand: unknown activities, events
 * and payloads are listed in `unrecognised`. Throws BAD_USER_INPUT only for invalid options.
 */
export function reconstruct(history: unknown, opts: ReconstructOptions = {}): ReplayRecord {
  const o = parseOrFail(OptionsSchema, opts, 'reconstruct options');
  const { events, problems } = readHistory(history);
  const s = new ReplayState();
  s.unrecognised.push(...problems);
  const { unrecognised, historyDigest } = collectFacts(events, (f) => onFact(s, f));
  // why: what the events could not give is listed before what the handlers could not read, as when
  // all facts were collected first (the sort below is stable, so this order shows among equal ids).
  const handled = s.unrecognised.splice(problems.length);
  s.unrecognised.push(...unrecognised, ...handled);
  s.unrecognised.sort((a, b) => (a.eventId ?? 0) - (b.eventId ?? 0));
  const steps = [...s.steps.values()];
  const summary = buildSummary(s, events);
  return {
    version: RECORD_VERSION,
    historyDigest,
    summary,
    steps,
    timeline: o.maxTimelineEntries === undefined ? s.timeline : s.timeline.slice(0, o.maxTimelineEntries),
    graph: buildGraph(s.taskId, summary, steps),
    unrecognised: s.unrecognised,
  };
}
