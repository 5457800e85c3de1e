/**
 * @module External events (signals, activity results, timer fires, child results...). While a
 * workflow task is started nothing may be written between its WFTStarted and WFTCompleted, so such
 * events are buffered and flushed, in arrival order, when the task ends.
 */
import type { Msg } from '../proto.js';
import type { Engine, Run } from './engine.js';
import { scheduleWft } from './wft-schedule.js';

export interface BufferedEvent {
  type: string;
  attrs: Msg;
  /** Set this attribute to the id of the event appended just before (ActivityTaskStarted). */
  linkPrev?: string;
  /** Child bookkeeping resolved when the event gets its id. */
  child?: { kind: 'started' | 'result'; initiatedId: number };
}

/** Appends one buffered event, resolving its links; returns its id. */
export function appendResolved(eng: Engine, run: Run, b: BufferedEvent, prevId: number): number {
  const attrs = { ...b.attrs };
  if (b.linkPrev) attrs[b.linkPrev] = prevId;
  const child = b.child ? run.s.children[String(b.child.initiatedId)] : undefined;
  if (b.child?.kind === 'result' && child) attrs.startedEventId = child.startedId;
  const id = eng.append(run, b.type, attrs);
  if (b.child?.kind === 'started' && child) child.startedId = id;
  if (b.child?.kind === 'result') delete run.s.children[String(b.child.initiatedId)];
  return id;
}

/** Adds events from outside the workflow; schedules a workflow task unless one is pending. */
export function addExternal(eng: Engine, run: Run, events: BufferedEvent[]): void {
  eng.touch(run);
  if (run.s.status !== 'Running') return;
  if (run.s.wft.state === 'started') {
    run.s.buffered.push(...events);
    return;
  }
  // why: an event written after a speculative task's WFTScheduled makes that task a normal one
  run.s.wft.speculative = false;
  let prev = 0;
  for (const b of events) prev = appendResolved(eng, run, b, prev);
  scheduleWft(eng, run);
}

/** Writes buffered events after the task that was running ends; true when any were written. */
export function flushBuffered(eng: Engine, run: Run): boolean {
  const list = run.s.buffered;
  if (list.length === 0) return false;
  run.s.buffered = [];
  let prev = 0;
  for (const b of list) prev = appendResolved(eng, run, b, prev);
  return true;
}
