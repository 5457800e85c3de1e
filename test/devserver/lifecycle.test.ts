/**
 * Conformance: workflow cancellation, termination, continue-as-new, retry, timeouts and id
 * policies (reference §6.3 StartWorkflowExecution, §6.5 commands, §7).
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { CancelledFailure, TerminatedFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { eventually, runToEnd, track, uniqueId, uniqueQueue, useConformance, withWorker } from './helpers.js';
import type { Conformance } from './helpers.js';
import { attrsOf, eventNames, historyOf, lastEvent, msBetween } from './history.js';
import type { ChainInfo } from './workflows/lifecycle-workflows.js';

const WFT = ['WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted'];

let c: Conformance;
useConformance('lifecycle-workflows', (env) => (c = env));

async function firstTaskDone(h: WorkflowHandle): Promise<void> {
  await eventually(async () => (eventNames(await h.fetchHistory()).includes('WorkflowTaskCompleted') ? true : undefined), 10_000, 'first workflow task');
}

async function start(type: string, taskQueue: string, opts: Record<string, unknown> = {}): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const handle = await c.client.workflow.start(type, { taskQueue, workflowId: uniqueId(type), ...opts });
  track(c, handle.workflowId, handle.firstExecutionRunId);
  return handle;
}

/** Follows a chain of runs from `runId` through each close event's `newExecutionRunId`. */
async function runsFrom(workflowId: string, runId: string) {
  const runs = [];
  for (let next: string | undefined = runId; next; ) {
    const history = await historyOf(c.client, workflowId, next);
    runs.push({ runId: next, history });
    const close = attrsOf(lastEvent(history)!) as { newExecutionRunId?: string };
    next = close.newExecutionRunId || undefined;
  }
  return runs;
}

describe('cancellation and termination', () => {
  it('cancels a workflow: CancelRequested, a workflow task, then Canceled', async () => {
    const tq = uniqueQueue('cancel');
    const h = await start('blockForever', tq);
    const err = await withWorker(c, tq, async () => {
      await firstTaskDone(h);
      // why: cancellation is idempotent (§6.3); a second request must not add a second event
      await h.cancel();
      await h.cancel();
      return h.result().catch((e: unknown) => e);
    });
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(eventNames(await h.fetchHistory())).toEqual([
      'WorkflowExecutionStarted', ...WFT, 'WorkflowExecutionCancelRequested', ...WFT, 'WorkflowExecutionCanceled',
    ]);
    expect((await h.describe()).status.name).toBe('CANCELLED');
  });

  it('terminates a workflow with its reason, and refuses to terminate it twice', async () => {
    const tq = uniqueQueue('terminate');
    const h = await start('blockForever', tq, { memo: { team: 'conformance' } });
    const err = await withWorker(c, tq, async () => {
      await firstTaskDone(h);
      await h.terminate('enough');
      return h.result().catch((e: unknown) => e);
    });
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    const history = await h.fetchHistory();
    expect(eventNames(history)).toEqual(['WorkflowExecutionStarted', ...WFT, 'WorkflowExecutionTerminated']);
    expect(attrsOf(lastEvent(history)!).reason).toBe('enough');
    const described = await h.describe();
    expect(described.status.name).toBe('TERMINATED');
    expect(described.closeTime).toBeInstanceOf(Date);
    expect(described.historyLength).toBe(history.events!.length);
    expect(described.memo).toEqual({ team: 'conformance' });
    await expect(h.terminate('again')).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
});

describe('continue-as-new and retry', () => {
  it('follows a continue-as-new chain in result() and keeps firstExecutionRunId', async () => {
    const { handle, result } = await runToEnd<ChainInfo>(c, 'chain', [3]);
    expect(result.runsLeft).toBe(0);
    expect(result.firstExecutionRunId).toBe(handle.firstExecutionRunId);
    const runs = await runsFrom(handle.workflowId, handle.firstExecutionRunId);
    expect(runs).toHaveLength(4);
    expect(runs.at(-1)!.runId).toBe(result.runId);
    runs.forEach((run, i) => {
      const started = attrsOf(run.history.events![0]!);
      expect(started.firstExecutionRunId).toBe(handle.firstExecutionRunId);
      expect(started.originalExecutionRunId).toBe(run.runId);
      if (i > 0) expect(started.continuedExecutionRunId).toBe(runs[i - 1]!.runId);
      const last = eventNames(run.history).at(-1);
      expect(last).toBe(i < 3 ? 'WorkflowExecutionContinuedAsNew' : 'WorkflowExecutionCompleted');
    });
    expect(result.continuedFromExecutionRunId).toBe(runs[2]!.runId);
    const first = c.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    expect((await first.describe()).status.name).toBe('CONTINUED_AS_NEW');
  });

  it('retries a failed workflow in a new run by its retry policy', async () => {
    const retry = { maximumAttempts: 3, initialInterval: '200ms' };
    const { handle, result } = await runToEnd<number>(c, 'failUntilAttempt', [3], { start: { retry } });
    expect(result).toBe(3);
    const runs = await runsFrom(handle.workflowId, handle.firstExecutionRunId);
    expect(runs.map((r) => eventNames(r.history).at(-1))).toEqual([
      'WorkflowExecutionFailed', 'WorkflowExecutionFailed', 'WorkflowExecutionCompleted',
    ]);
    runs.forEach((run, i) => {
      const started = attrsOf(run.history.events![0]!);
      expect(started.attempt).toBe(i + 1);
      expect(started.firstExecutionRunId).toBe(handle.firstExecutionRunId);
    });
  });

  it('gives up after the maximum number of workflow attempts', async () => {
    const tq = uniqueQueue('retry-max');
    const h = await start('failUntilAttempt', tq, { args: [5], retry: { maximumAttempts: 2, initialInterval: '100ms' } });
    const err = await withWorker(c, tq, () => h.result().catch((e: unknown) => e));
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).retryState).toBe('MAXIMUM_ATTEMPTS_REACHED');
    expect(await runsFrom(h.workflowId, h.firstExecutionRunId)).toHaveLength(2);
  });
});

describe('workflow task failures', () => {
  it('retries a failing workflow task, timing out the attempts the worker does not report', async () => {
    const tq = uniqueQueue('wft-fail');
    const h = await start('brokenUntilFixed', tq, { workflowTaskTimeout: '1s' });
    const result = await withWorker(c, tq, async () => {
      const seen = (name: string) => async () => (eventNames(await h.fetchHistory()).includes(name) ? true : undefined);
      await eventually(seen('WorkflowTaskFailed'), 20_000, 'a failed workflow task');
      await eventually(seen('WorkflowTaskTimedOut'), 20_000, 'a timed-out workflow task');
      await h.signal('fix');
      return h.result();
    });
    expect(result).toBe('fixed');
    const history = await h.fetchHistory();
    const events = history.events ?? [];
    const failedAt = events.findIndex((e) => e.workflowTaskFailedEventAttributes);
    const failed = events[failedAt]!.workflowTaskFailedEventAttributes!;
    expect(failed.cause).toBe(temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE);
    expect(failed.failure?.message).toContain('planned workflow task failure');
    expect(events[failedAt + 1]?.workflowTaskScheduledEventAttributes?.attempt).toBe(2);
    expect(eventNames(history).at(-1)).toBe('WorkflowExecutionCompleted');
  });
});

describe('workflow timeouts', () => {
  // why: the worker is up before the start, so a slow worker start-up cannot eat the timeout.
  async function startAndWait(type: string, opts: Record<string, unknown>) {
    const tq = uniqueQueue(type);
    return withWorker(c, tq, async () => {
      const h = await start(type, tq, opts);
      return { h, err: await h.result().catch((e: unknown) => e) };
    });
  }

  it('times a run out at its run timeout', async () => {
    const { h, err } = await startAndWait('blockForever', { workflowRunTimeout: '2s' });
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const history = await h.fetchHistory();
    const elapsed = msBetween(history.events![0]!, lastEvent(history)!);
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    expect(elapsed).toBeLessThan(4_000);
    const names = eventNames(history);
    expect(names[0]).toBe('WorkflowExecutionStarted');
    expect(names.at(-1)).toBe('WorkflowExecutionTimedOut');
    expect(names.slice(1, -1).every((n) => n.startsWith('WorkflowTask'))).toBe(true);
    expect((await h.describe()).status.name).toBe('TIMED_OUT');
  });

  it('times out a whole continue-as-new chain at its execution timeout', async () => {
    const { h, err } = await startAndWait('chainForever', { args: [200], workflowExecutionTimeout: '3s' });
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const runs = await runsFrom(h.workflowId, h.firstExecutionRunId);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(eventNames(runs.at(-1)!.history).at(-1)).toBe('WorkflowExecutionTimedOut');
    const expiry = (r: (typeof runs)[number]) => JSON.stringify(attrsOf(r.history.events![0]!).workflowExecutionExpirationTime);
    expect(new Set(runs.map(expiry)).size).toBe(1);
  });
});

describe('workflow id policies', () => {
  it.each([
    { policy: 'ALLOW_DUPLICATE', first: 'quick', allowed: true },
    { policy: 'ALLOW_DUPLICATE_FAILED_ONLY', first: 'quick', allowed: false },
    { policy: 'ALLOW_DUPLICATE_FAILED_ONLY', first: 'failNow', allowed: true },
    { policy: 'REJECT_DUPLICATE', first: 'quick', allowed: false },
    { policy: 'REJECT_DUPLICATE', first: 'failNow', allowed: false },
  ] as const)('reuse policy $policy after a $first run allows a new run: $allowed', async ({ policy, first, allowed }) => {
    const tq = uniqueQueue('reuse');
    const workflowId = uniqueId('reuse');
    const opts = { workflowId, workflowIdReusePolicy: policy, args: ['x'] };
    await withWorker(c, tq, async () => {
      const h1 = await start(first, tq, opts);
      await h1.result().catch(() => undefined);
      const second = c.client.workflow.start('quick', { taskQueue: tq, ...opts });
      if (!allowed) return void (await expect(second).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError));
      const h2 = await second;
      track(c, workflowId, h2.firstExecutionRunId);
      expect(h2.firstExecutionRunId).not.toBe(h1.firstExecutionRunId);
      expect(await h2.result()).toBe('x');
    });
  });

  it('lets exactly one of ten concurrent starts with the same id win', async () => {
    const tq = uniqueQueue('race');
    const workflowId = uniqueId('race');
    const starts = await Promise.allSettled(Array.from({ length: 10 }, () => c.client.workflow.start('blockForever', { taskQueue: tq, workflowId })));
    const won = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const lost = starts.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost.every((e) => e instanceof WorkflowExecutionAlreadyStartedError)).toBe(true);
    track(c, workflowId, won[0]!.firstExecutionRunId);
    await won[0]!.terminate('cleanup');
    expect(eventNames(await won[0]!.fetchHistory()).filter((n) => n === 'WorkflowExecutionStarted')).toHaveLength(1);
  });

  it('conflict policy FAIL rejects a second start while the first run is open', async () => {
    const tq = uniqueQueue('conflict');
    const h = await start('blockForever', tq);
    const second = c.client.workflow.start('blockForever', { taskQueue: tq, workflowId: h.workflowId, workflowIdConflictPolicy: 'FAIL' });
    await expect(second).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    await h.terminate('cleanup');
  });

  it('conflict policy USE_EXISTING returns the open run', async () => {
    const tq = uniqueQueue('conflict');
    const h = await start('blockForever', tq);
    const again = await c.client.workflow.start('blockForever', { taskQueue: tq, workflowId: h.workflowId, workflowIdConflictPolicy: 'USE_EXISTING' });
    expect(again.firstExecutionRunId).toBe(h.firstExecutionRunId);
    expect(eventNames(await h.fetchHistory()).filter((n) => n === 'WorkflowExecutionStarted')).toHaveLength(1);
    await h.terminate('cleanup');
  });

  it('conflict policy TERMINATE_EXISTING terminates the open run and starts a new one', async () => {
    const tq = uniqueQueue('conflict');
    const h = await start('blockForever', tq);
    const next = await c.client.workflow.start('quick', { taskQueue: tq, workflowId: h.workflowId, args: ['new'], workflowIdConflictPolicy: 'TERMINATE_EXISTING' });
    track(c, next.workflowId, next.firstExecutionRunId);
    expect(next.firstExecutionRunId).not.toBe(h.firstExecutionRunId);
    const old = c.client.workflow.getHandle(h.workflowId, h.firstExecutionRunId);
    expect(eventNames(await old.fetchHistory()).at(-1)).toBe('WorkflowExecutionTerminated');
    expect(await withWorker(c, tq, () => next.result())).toBe('new');
  });
});
