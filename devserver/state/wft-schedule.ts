/** @module Scheduling a workflow task on the sticky or the normal queue. */
import { dur } from '../proto.js';
import type { Engine, Run } from './engine.js';
import { runKey } from './types.js';

/** Schedules a workflow task when the run is open, has none pending and is past its start delay. */
export function scheduleWft(eng: Engine, run: Run, speculative = false): void {
  const s = run.s;
  if (s.status !== 'Running' || s.wft.state !== 'none') return;
  const now = eng.now();
  if (s.wft.availableAt > now) return;
  eng.touch(run);
  s.wft.speculative = speculative && s.lastCompletedWftStartedId > 0;
  s.wft.sizeBefore = s.historySizeBytes;
  const sticky = s.sticky;
  const queue = sticky ? sticky.queue : s.taskQueue;
  const id = eng.append(run, 'WorkflowTaskScheduled', {
    taskQueue: sticky ? { name: queue, kind: 'TASK_QUEUE_KIND_STICKY', normalName: s.taskQueue } : { name: queue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    startToCloseTimeout: dur(s.wft.timeoutMs),
    attempt: s.wft.attempt,
  });
  s.wft.state = 'scheduled';
  s.wft.availableAt = 0;
  s.wft.scheduledId = id;
  s.wft.scheduledAt = now;
  s.wft.queue = queue;
  s.wft.stickyDeadline = sticky ? now + sticky.timeoutMs : 0;
  eng.enqueue(s.namespace, 'wf', queue, { kind: 'wft', runKey: runKey(s.namespace, s.runId), scheduledId: id, attempt: s.wft.attempt });
}

/** Moves a scheduled task from a sticky queue back to the normal queue (worker gone or too slow). */
export function unstick(eng: Engine, run: Run): void {
  const s = run.s;
  eng.touch(run);
  s.sticky = null;
  if (s.wft.state !== 'scheduled' || s.wft.queue === s.taskQueue) return;
  s.wft.queue = s.taskQueue;
  s.wft.stickyDeadline = 0;
  eng.enqueue(s.namespace, 'wf', s.taskQueue, { kind: 'wft', runKey: runKey(s.namespace, s.runId), scheduledId: s.wft.scheduledId, attempt: s.wft.attempt });
}
