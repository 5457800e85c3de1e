/**
 * @module Reading histories in assertions: event names, attributes, payloads and durations.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { google } from '@temporalio/proto';

export type History = temporal.api.history.v1.IHistory;
export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const { EventType } = temporal.api.enums.v1;

/** Fetches every page of a run's history (no run id means the current run). */
export async function historyOf(client: Client, workflowId: string, runId?: string): Promise<History> {
  return client.workflow.getHandle(workflowId, runId).fetchHistory();
}

/** `EVENT_TYPE_WORKFLOW_TASK_SCHEDULED` (or its number) becomes `WorkflowTaskScheduled`. */
export function eventName(e: HistoryEvent): string {
  const raw = typeof e.eventType === 'number' ? EventType[e.eventType] : String(e.eventType ?? '');
  return raw
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _s: string, ch: string) => ch.toUpperCase());
}

export function eventNames(h: History): string[] {
  return (h.events ?? []).map(eventName);
}

export function lastEvent(h: History): HistoryEvent | undefined {
  const events = h.events ?? [];
  return events[events.length - 1];
}

export function eventsNamed(h: History, name: string): HistoryEvent[] {
  return (h.events ?? []).filter((e) => eventName(e) === name);
}

/** The one event of type `name`; throws when there is none or more than one. */
export function onlyEvent(h: History, name: string): HistoryEvent {
  const found = eventsNamed(h, name);
  if (found.length !== 1) throw new Error(`expected exactly one \`${name}\` event, found ${found.length}`);
  return found[0] as HistoryEvent;
}

/** The attribute message of an event (the one `...Attributes` field that is set). */
export function attrsOf(e: HistoryEvent): Record<string, unknown> {
  for (const [k, v] of Object.entries(e)) {
    if (k.endsWith('Attributes') && v) return v as Record<string, unknown>;
  }
  throw new Error(`event ${String(e.eventId)} has no attributes`);
}

export function eventId(e: HistoryEvent | undefined): number {
  return Number(e?.eventId ?? 0);
}

/** Event ids must run 1, 2, 3, ... with no gap or repeat. */
export function assertContiguous(h: History): void {
  (h.events ?? []).forEach((e, i) => {
    if (eventId(e) !== i + 1) throw new Error(`event at index ${i} has id ${eventId(e)}, expected ${i + 1}`);
  });
}

export function decodePayloads(p: temporal.api.common.v1.IPayloads | null | undefined): unknown[] {
  return (p?.payloads ?? []).map((x) => defaultPayloadConverter.fromPayload(x));
}

export function encodePayloads(...values: unknown[]): temporal.api.common.v1.IPayloads {
  return { payloads: values.map((v) => defaultPayloadConverter.toPayload(v)) };
}

export function durationMs(d: google.protobuf.IDuration | null | undefined): number {
  if (!d) return 0;
  return Number(d.seconds ?? 0) * 1000 + Math.round(Number(d.nanos ?? 0) / 1e6);
}

/** Drops the three events of each workflow task, leaving the events that carry meaning. */
export function withoutWorkflowTasks(names: string[]): string[] {
  return names.filter((n) => !/^WorkflowTask(Scheduled|Started|Completed)$/.test(n));
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Checks one event: a time, and exactly one attributes field, the one its type names. */
function eventProblems(e: HistoryEvent, index: number): string[] {
  const name = eventName(e);
  const where = `event ${index + 1} (${name})`;
  const problems: string[] = [];
  if (eventId(e) !== index + 1) problems.push(`${where} has id ${eventId(e)}`);
  if (!e.eventTime) problems.push(`${where} has no event_time`);
  const set = Object.entries(e).filter(([k, v]) => k.endsWith('Attributes') && v).map(([k]) => k);
  const expected = `${lowerFirst(name)}EventAttributes`;
  if (set.length !== 1 || set[0] !== expected) problems.push(`${where} carries [${set.join(', ')}], expected ${expected}`);
  return problems;
}

/** Workflow-task events must point at the task they belong to (§6.10). */
function taskLinkProblems(h: History): string[] {
  const events = h.events ?? [];
  const problems: string[] = [];
  events.forEach((e, i) => {
    const name = eventName(e);
    if (name === 'WorkflowTaskStarted') {
      const sched = Number(attrsOf(e).scheduledEventId);
      if (eventName(events[sched - 1] ?? {}) !== 'WorkflowTaskScheduled') problems.push(`event ${i + 1} starts non-task event ${sched}`);
    }
    if (/^WorkflowTask(Completed|Failed|TimedOut)$/.test(name)) {
      const started = Number(attrsOf(e).startedEventId);
      // a task that timed out before any worker started it has no started event
      if (name === 'WorkflowTaskTimedOut' && started === 0) return;
      if (eventName(events[started - 1] ?? {}) !== 'WorkflowTaskStarted') problems.push(`event ${i + 1} closes non-started event ${started}`);
      // INVARIANT (§6.5 step 4): nothing is written between a task's Started and its outcome
      if (started !== i) problems.push(`event ${i + 1} is not right after its WorkflowTaskStarted ${started}`);
    }
  });
  return problems;
}

/**
 * Structural checks every history must pass, whatever the scenario: contiguous ids, event times,
 * one matching attributes field per event, and consistent workflow-task links.
 */
export function assertWellFormed(h: History, label = 'history'): void {
  const problems = [...(h.events ?? []).flatMap(eventProblems), ...taskLinkProblems(h)];
  if (problems.length > 0) throw new Error(`${label} is malformed:\n${problems.slice(0, 20).join('\n')}`);
}

/** Milliseconds from event `from` to event `to`, by their event times. */
export function msBetween(from: HistoryEvent, to: HistoryEvent): number {
  const ms = (e: HistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor(Number(e.eventTime?.nanos ?? 0) / 1e6);
  return ms(to) - ms(from);
}
