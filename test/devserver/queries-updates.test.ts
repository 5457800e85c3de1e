/**
 * Conformance: queries (reference §6.8) and updates (§6.9), driven through the real SDK.
 */
import { randomUUID } from 'node:crypto';
import { Client, QueryNotRegisteredError, QueryRejectedError, WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { eventually, track, uniqueId, uniqueQueue, useConformance, withWorker } from './helpers.js';
import type { Conformance } from './helpers.js';
import { attrsOf, decodePayloads, eventId, eventNames, eventsNamed, historyOf, onlyEvent } from './history.js';

const { WorkflowExecutionStatus } = temporal.api.enums.v1;

let c: Conformance;
useConformance('message-workflows', (env) => (c = env));

/** Starts `counter(start)` and runs `fn` with a worker up; the first workflow task has completed. */
async function withCounter<T>(start: number, fn: (h: WorkflowHandle) => Promise<T>): Promise<T> {
  const taskQueue = uniqueQueue('counter');
  const handle = await c.client.workflow.start('counter', { taskQueue, workflowId: uniqueId('counter'), args: [start] });
  track(c, handle.workflowId, handle.firstExecutionRunId);
  return withWorker(c, taskQueue, async () => {
    await eventually(async () => (eventNames(await handle.fetchHistory()).includes('WorkflowTaskCompleted') ? true : undefined), 10_000, 'first workflow task');
    return fn(handle);
  });
}

async function historyLength(h: WorkflowHandle): Promise<number> {
  return (await h.fetchHistory()).events?.length ?? 0;
}

describe('queries', () => {
  it('answers a query on a running workflow and writes no events', async () => {
    await withCounter(10, async (h) => {
      const before = await historyLength(h);
      expect(await h.query('total')).toBe(10);
      expect(await historyLength(h)).toBe(before);
      await h.signal('finish');
      expect(await h.result()).toBe(10);
    });
  });

  it('answers a query on a closed workflow from its history', async () => {
    await withCounter(7, async (h) => {
      await h.signal('finish');
      await h.result();
      const closedLength = await historyLength(h);
      expect(await h.query('total')).toBe(7);
      expect(await historyLength(h)).toBe(closedLength);
    });
  });

  it('reports a failing query and an unknown query as QueryNotRegisteredError', async () => {
    await withCounter(1, async (h) => {
      const failing = await h.query('failing').catch((e: unknown) => e);
      expect(failing).toBeInstanceOf(QueryNotRegisteredError);
      expect((failing as Error).message).toContain('query handler failed on purpose');
      const unknown = await h.query('no-such-query').catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(QueryNotRegisteredError);
      expect((unknown as Error).message).toContain('no-such-query');
      expect(await h.query('total')).toBe(1);
      await h.signal('finish');
      await h.result();
    });
  });

  it('rejects a query on a closed workflow when the reject condition is NOT_OPEN', async () => {
    const strict = new Client({ connection: c.env.connection, workflow: { queryRejectCondition: 'NOT_OPEN' } });
    await withCounter(3, async (h) => {
      const open = strict.workflow.getHandle(h.workflowId);
      expect(await open.query('total')).toBe(3);
      await h.signal('finish');
      await h.result();
      const rejected = await open.query('total').catch((e: unknown) => e);
      expect(rejected).toBeInstanceOf(QueryRejectedError);
      expect((rejected as QueryRejectedError).status).toBe(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    });
  });
});

describe('updates', () => {
  it('accepts and completes an update with Accepted and Completed events', async () => {
    const updateId = randomUUID();
    const history = await withCounter(10, async (h) => {
      expect(await h.executeUpdate('add', { args: [5], updateId })).toBe(15);
      await h.signal('finish');
      expect(await h.result()).toBe(15);
      return h.fetchHistory();
    });
    const names = eventNames(history);
    const accepted = onlyEvent(history, 'WorkflowExecutionUpdateAccepted');
    expect(names.slice(4, 9)).toEqual([
      'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted', 'WorkflowExecutionUpdateAccepted',
      'WorkflowExecutionUpdateCompleted',
    ]);
    expect(attrsOf(accepted)).toMatchObject({
      protocolInstanceId: updateId,
      acceptedRequest: { meta: { updateId }, input: { name: 'add' } },
    });
    const completed = attrsOf(onlyEvent(history, 'WorkflowExecutionUpdateCompleted'));
    expect(Number(completed.acceptedEventId)).toBe(eventId(accepted));
    expect(completed).toMatchObject({ meta: { updateId } });
    const outcome = completed.outcome as { success?: temporal.api.common.v1.IPayloads };
    expect(decodePayloads(outcome.success)).toEqual([15]);
  });

  it('completes an update and the workflow in the same task, then refuses updates on the closed run', async () => {
    const history = await withCounter(4, async (h) => {
      expect(await h.executeUpdate('stop')).toBe(4);
      expect(await h.result()).toBe(4);
      await expect(h.executeUpdate('add', { args: [1] })).rejects.toBeInstanceOf(WorkflowNotFoundError);
      return h.fetchHistory();
    });
    expect(eventNames(history).slice(-4)).toEqual([
      'WorkflowTaskCompleted', 'WorkflowExecutionUpdateAccepted', 'WorkflowExecutionUpdateCompleted', 'WorkflowExecutionCompleted',
    ]);
  });

  it('rejects an update in the validator without writing to history', async () => {
    await withCounter(10, async (h) => {
      const before = await historyLength(h);
      const err = await h.executeUpdate('add', { args: [-1] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((err as WorkflowUpdateFailedError).cause?.message).toBe('amount `-1` must not be negative');
      expect(await historyLength(h)).toBe(before);
      expect(await h.query('total')).toBe(10);
      expect(await h.executeUpdate('add', { args: [1] })).toBe(11);
      await h.signal('finish');
      expect(await h.result()).toBe(11);
      expect(eventsNamed(await h.fetchHistory(), 'WorkflowExecutionUpdateAccepted')).toHaveLength(1);
    });
  });

  it('returns the first outcome for a duplicate update id and applies the update once', async () => {
    const updateId = randomUUID();
    await withCounter(10, async (h) => {
      expect(await h.executeUpdate('add', { args: [5], updateId })).toBe(15);
      expect(await h.executeUpdate('add', { args: [5], updateId })).toBe(15);
      expect(await h.query('total')).toBe(15);
      await h.signal('finish');
      expect(await h.result()).toBe(15);
      expect(eventsNamed(await h.fetchHistory(), 'WorkflowExecutionUpdateAccepted')).toHaveLength(1);
    });
  });

  it('starts a workflow with an update, then updates the same run with USE_EXISTING', async () => {
    const taskQueue = uniqueQueue('uws');
    const workflowId = uniqueId('uws');
    const startOp = (policy: 'FAIL' | 'USE_EXISTING') =>
      new WithStartWorkflowOperation('counter', { workflowId, taskQueue, args: [100], workflowIdConflictPolicy: policy });
    await withWorker(c, taskQueue, async () => {
      const first = startOp('FAIL');
      expect(await c.client.workflow.executeUpdateWithStart('add', { args: [1], startWorkflowOperation: first })).toBe(101);
      const h = await first.workflowHandle();
      track(c, workflowId);
      const second = startOp('USE_EXISTING');
      expect(await c.client.workflow.executeUpdateWithStart('add', { args: [1], startWorkflowOperation: second })).toBe(102);
      expect((await (await second.workflowHandle()).describe()).runId).toBe((await h.describe()).runId);
      await h.signal('finish');
      expect(await h.result()).toBe(102);
    });
    const history = await historyOf(c.client, workflowId);
    expect(eventsNamed(history, 'WorkflowExecutionStarted')).toHaveLength(1);
    expect(eventsNamed(history, 'WorkflowExecutionUpdateCompleted')).toHaveLength(2);
  });

  it('holds a query and an update that arrive while a workflow task runs, then answers both', async () => {
    const taskQueue = uniqueQueue('busy');
    const key = uniqueId('busy');
    const h = await c.client.workflow.start('counter', { taskQueue, workflowId: uniqueId('busy'), args: [10, key] });
    track(c, h.workflowId, h.firstExecutionRunId);
    const history = await withWorker(c, taskQueue, async () => {
      await eventually(async () => (c.log.of(key).length > 0 ? true : undefined), 10_000, 'local activity start');
      const [total, updated] = await Promise.all([h.query('total'), h.executeUpdate('add', { args: [5] })]);
      expect(total === 10 || total === 15).toBe(true);
      expect(updated).toBe(15);
      await h.signal('finish');
      expect(await h.result()).toBe(15);
      return h.fetchHistory();
    });
    const names = eventNames(history);
    expect(names.slice(0, 5)).toEqual(['WorkflowExecutionStarted', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted', 'MarkerRecorded']);
    expect(names.indexOf('WorkflowExecutionUpdateAccepted')).toBeGreaterThan(names.indexOf('MarkerRecorded'));
  });
});
