/**
 * @module Deadlines derived from run state: workflow-task start-to-close and sticky
 * schedule-to-start, start delay, timers, activity timeouts and retries, run and execution
 * timeouts. They are absolute times in the persisted state, so after a restart they are simply
 * re-armed, and one that fell due during the outage fires at once.
 */
import type { Engine, Run } from './engine.js';
import { addExternal } from './history.js';
import { scheduleWft, unstick } from './wft-schedule.js';
import { timeoutWft } from './wft.js';
import { activityDeadline, fireActivityDeadlines, requeueActivity } from './activities.js';
import { timeoutRun } from './workflow.js';
import { runKey } from './types.js';

export function nextDeadline(run: Run): number {
  const s = run.s;
  if (s.status !== 'Running') return 0;
  const ds: number[] = [s.runDeadline, s.execDeadline];
  if (s.wft.state === 'none') ds.push(s.wft.availableAt);
  if (s.wft.state === 'started') ds.push(s.wft.startedAt + s.wft.timeoutMs);
  if (s.wft.state === 'scheduled') ds.push(s.wft.stickyDeadline);
  for (const t of Object.values(s.timers)) ds.push(t.fireAt);
  for (const a of Object.values(s.activities)) ds.push(activityDeadline(a));
  let min = 0;
  for (const d of ds) if (d > 0 && (min === 0 || d < min)) min = d;
  return min;
}

export function fireDeadlines(eng: Engine, run: Run, now: number): void {
  const s = run.s;
  if (s.status !== 'Running') return;
  if ((s.runDeadline > 0 && now >= s.runDeadline) || (s.execDeadline > 0 && now >= s.execDeadline)) {
    timeoutRun(eng, run, now);
    return;
  }
  if (s.wft.state === 'none' && s.wft.availableAt > 0 && now >= s.wft.availableAt) scheduleWft(eng, run);
  else if (s.wft.state === 'started' && now >= s.wft.startedAt + s.wft.timeoutMs) timeoutWft(eng, run);
  else if (s.wft.state === 'scheduled' && s.wft.stickyDeadline > 0 && now >= s.wft.stickyDeadline) unstick(eng, run);
  const due = Object.values(s.timers).filter((t) => now >= t.fireAt).sort((a, b) => a.fireAt - b.fireAt || a.startedId - b.startedId);
  for (const t of due) {
    delete s.timers[t.timerId];
    addExternal(eng, run, [{ type: 'TimerFired', attrs: { timerId: t.timerId, startedEventId: t.startedId } }]);
  }
  for (const a of Object.values(s.activities)) {
    if (s.status !== 'Running') break;
    const d = activityDeadline(a);
    if (d > 0 && now >= d) fireActivityDeadlines(eng, run, a, now);
  }
}

/** After a restart: queued tasks live only in memory, so put scheduled work back on the queues. */
export function requeueAfterRestart(eng: Engine, run: Run): void {
  const s = run.s;
  if (s.status !== 'Running') return;
  eng.touch(run);
  if (s.wft.state === 'scheduled') {
    // why: a sticky worker from before the restart may be gone; the normal queue always has takers
    s.sticky = null;
    s.wft.queue = s.taskQueue;
    s.wft.stickyDeadline = 0;
    eng.enqueue(s.namespace, 'wf', s.taskQueue, { kind: 'wft', runKey: runKey(s.namespace, s.runId), scheduledId: s.wft.scheduledId, attempt: s.wft.attempt });
  }
  for (const a of Object.values(s.activities)) if (a.state === 'scheduled') requeueActivity(eng, run, a);
}

export function installDeadlines(eng: Engine): void {
  eng.nextDeadline = nextDeadline;
  eng.onDeadline = (run, now) => fireDeadlines(eng, run, now);
}
