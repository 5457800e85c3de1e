/**
 * Conformance: visibility. List and count with a visibility query over built-in fields and a
 * custom search attribute registered at start-up and upserted by the workflow (reference §6.3).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { eventually, track, uniqueId, uniqueQueue, useConformance, withWorker } from './helpers.js';
import type { Conformance } from './helpers.js';
import { attrsOf, decodePayloads, historyOf, onlyEvent } from './history.js';

const TENANT = defineSearchAttributeKey('ConformanceTenant', SearchAttributeType.KEYWORD);

let c: Conformance;
useConformance('worker-workflows', (env) => (c = env), { searchAttributes: [TENANT] });

describe('list and count', () => {
  it('finds workflows by an upserted custom search attribute, status and type', async () => {
    const tq = uniqueQueue('visibility');
    const [a, b] = [uniqueId('tenant-a'), uniqueId('tenant-b')];
    const ids: Record<string, string[]> = { [a]: [], [b]: [] };
    await withWorker(c, tq, async () => {
      for (const tenant of [a, a, b]) {
        const h = await c.client.workflow.start('tagged', { taskQueue: tq, workflowId: uniqueId('tagged'), args: [TENANT.name, tenant] });
        track(c, h.workflowId, h.firstExecutionRunId);
        ids[tenant]!.push(h.workflowId);
        expect(await h.result()).toBe(tenant);
      }
    });
    const countOf = async (q: string) => (await c.client.workflow.count(q)).count;
    await eventually(async () => ((await countOf(`ConformanceTenant = '${a}'`)) === 2 ? true : undefined), 10_000, 'visibility of tenant a');
    expect(await countOf(`ConformanceTenant = '${b}'`)).toBe(1);
    expect(await countOf(`ConformanceTenant IN ('${a}', '${b}') AND ExecutionStatus = 'Completed' AND WorkflowType = 'tagged'`)).toBe(3);
    expect(await countOf(`ConformanceTenant = '${a}' AND ExecutionStatus = 'Running'`)).toBe(0);
    const listed: string[] = [];
    // why: a page size of 1 makes the client follow next_page_token across pages
    for await (const wf of c.client.workflow.list({ query: `ConformanceTenant = '${a}'`, pageSize: 1 })) {
      listed.push(wf.workflowId);
      expect(wf.status.name).toBe('COMPLETED');
      expect(wf.typedSearchAttributes.get(TENANT)).toBe(a);
    }
    expect(listed.sort()).toEqual([...ids[a]!].sort());
    const upsert = attrsOf(onlyEvent(await historyOf(c.client, ids[b]![0]!), 'UpsertWorkflowSearchAttributes'));
    const fields = (upsert.searchAttributes as { indexedFields?: Record<string, temporal.api.common.v1.IPayload> }).indexedFields ?? {};
    expect(decodePayloads({ payloads: [fields.ConformanceTenant!] })).toEqual([b]);
  });

  it('evaluates STARTS_WITH, OR in parentheses, time ranges and GROUP BY ExecutionStatus', async () => {
    const tq = uniqueQueue('visibility');
    const prefix = uniqueId('vq');
    const before = new Date(Date.now() - 1_000).toISOString();
    const open = await withWorker(c, tq, async () => {
      for (const n of [1, 2]) {
        const h = await c.client.workflow.start('tagged', { taskQueue: tq, workflowId: `${prefix}-done-${n}`, args: [TENANT.name, prefix] });
        track(c, h.workflowId, h.firstExecutionRunId);
        await h.result();
      }
      const running = await c.client.workflow.start('waitThenAct', { taskQueue: tq, workflowId: `${prefix}-open`, args: [prefix] });
      track(c, running.workflowId, running.firstExecutionRunId);
      return running;
    });
    const scoped = (q: string) => `WorkflowId STARTS_WITH '${prefix}' AND ${q}`;
    const countOf = async (q: string) => (await c.client.workflow.count(q)).count;
    await eventually(async () => ((await countOf(scoped(`ExecutionStatus = 'Completed'`))) === 2 ? true : undefined), 10_000, 'visibility');
    expect(await countOf(`WorkflowId STARTS_WITH '${prefix}'`)).toBe(3);
    expect(await countOf(scoped(`ExecutionStatus = 'Running'`))).toBe(1);
    expect(await countOf(scoped(`(WorkflowType = 'tagged' OR WorkflowType = 'waitThenAct')`))).toBe(3);
    expect(await countOf(scoped(`WorkflowType != 'tagged'`))).toBe(1);
    expect(await countOf(scoped(`StartTime >= '${before}'`))).toBe(3);
    expect(await countOf(scoped(`StartTime < '${before}'`))).toBe(0);
    const grouped = await c.client.workflow.count(`WorkflowId STARTS_WITH '${prefix}' GROUP BY ExecutionStatus`);
    const groups = Object.fromEntries(grouped.groups.map((g) => [String(g.groupValues[0]), g.count]));
    expect(grouped.count).toBe(3);
    expect(groups).toEqual({ Completed: 2, Running: 1 });
    await open.terminate('done');
  });
});
