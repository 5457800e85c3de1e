/**
 * Conformance: bad input. Unknown namespaces, workflows and runs give NOT_FOUND; malformed requests
 * give INVALID_ARGUMENT (reference §3 error codes, §6.11 item 9); random and truncated bytes on raw
 * RPC paths never take the server down.
 */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { Client } from '@temporalio/client';
import { NamespaceNotFoundError, WorkflowNotFoundError } from '@temporalio/common';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRawClient, fuzzInputs, RAW_METHODS } from './raw-grpc.js';
import type { RawClient } from './raw-grpc.js';
import { replayTracked, runToEnd, setUpConformance, tearDown } from './helpers.js';
import type { Conformance } from './helpers.js';
import { encodePayloads } from './history.js';

let c: Conformance;
let raw: RawClient;
beforeAll(async () => {
  c = await setUpConformance('lifecycle-workflows');
  raw = createRawClient(c.env.address);
});
afterAll(async () => {
  raw?.close();
  await tearDown(c);
});
afterEach(async () => {
  if (c) await replayTracked(c);
});

/** The gRPC status code a call ended with (0 when it succeeded). */
async function codeOf(p: Promise<unknown>): Promise<number> {
  return p.then(
    () => status.OK,
    (e: unknown) => (e as { code?: number }).code ?? -1,
  );
}

function startRequest(overrides: Record<string, unknown>) {
  return {
    namespace: 'default',
    workflowId: `bad-${randomUUID()}`,
    workflowType: { name: 'quick' },
    taskQueue: { name: 'bad-input-nobody' },
    input: encodePayloads('x'),
    identity: 'conformance',
    requestId: randomUUID(),
    ...overrides,
  };
}

describe('unknown namespaces, workflows and runs', () => {
  it('answers NOT_FOUND for an unknown namespace, and the client reports NamespaceNotFoundError', async () => {
    expect(await codeOf(c.client.workflowService.describeNamespace({ namespace: 'no-such-namespace' }))).toBe(status.NOT_FOUND);
    const other = new Client({ connection: c.env.connection, namespace: 'no-such-namespace' });
    const err = await other.workflow.start('quick', { taskQueue: 'nobody', workflowId: randomUUID(), args: ['x'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NamespaceNotFoundError);
  });

  it('answers NOT_FOUND for unknown workflows and runs, which the client reports as WorkflowNotFoundError', async () => {
    const missing = c.client.workflow.getHandle(`missing-${randomUUID()}`);
    await expect(missing.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    await expect(missing.signal('add', 'x')).rejects.toBeInstanceOf(WorkflowNotFoundError);
    await expect(missing.terminate('x')).rejects.toBeInstanceOf(WorkflowNotFoundError);
    await expect(missing.cancel()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    await expect(missing.query('total')).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const { handle } = await runToEnd<string>(c, 'quick', ['x']);
    await expect(c.client.workflow.getHandle(handle.workflowId).signal('add', 'late')).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const wrongRun = c.client.workflow.getHandle(handle.workflowId, randomUUID());
    await expect(wrongRun.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const history = c.client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default', execution: { workflowId: handle.workflowId, runId: randomUUID() },
    });
    expect(await codeOf(history)).toBe(status.NOT_FOUND);
  });
});

describe('malformed requests', () => {
  it.each([
    { what: 'an empty workflow id', req: { workflowId: '' } },
    { what: 'a missing workflow type', req: { workflowType: { name: '' } } },
    { what: 'a missing task queue', req: { taskQueue: { name: '' } } },
    { what: 'an unregistered search attribute', req: { searchAttributes: { indexedFields: { NoSuchAttribute: encodePayloads('x').payloads![0] } } } },
  ])('rejects a start with $what as INVALID_ARGUMENT', async ({ req }) => {
    expect(await codeOf(c.client.workflowService.startWorkflowExecution(startRequest(req)))).toBe(status.INVALID_ARGUMENT);
  });

  it('rejects a run id that is not a UUID, an empty signal name and a bad list query as INVALID_ARGUMENT', async () => {
    const { handle } = await runToEnd<string>(c, 'quick', ['x']);
    const svc = c.client.workflowService;
    const execution = { workflowId: handle.workflowId, runId: 'not-a-uuid' };
    expect(await codeOf(svc.describeWorkflowExecution({ namespace: 'default', execution }))).toBe(status.INVALID_ARGUMENT);
    const signal = svc.signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: handle.workflowId }, signalName: '', requestId: randomUUID() });
    expect(await codeOf(signal)).toBe(status.INVALID_ARGUMENT);
    expect(await codeOf(svc.listWorkflowExecutions({ namespace: 'default', query: 'WorkflowId = ' }))).toBe(status.INVALID_ARGUMENT);
    const page = svc.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: handle.workflowId }, nextPageToken: Buffer.from('garbage') });
    expect(await codeOf(page)).toBe(status.INVALID_ARGUMENT);
  });

  it('rejects forged task tokens with NOT_FOUND or INVALID_ARGUMENT, never a retryable code', async () => {
    const svc = c.client.workflowService;
    const token = Buffer.from(`forged-${randomUUID()}`);
    const calls = [
      svc.respondActivityTaskCompleted({ namespace: 'default', taskToken: token, identity: 'conformance' }),
      svc.respondActivityTaskFailed({ namespace: 'default', taskToken: token, identity: 'conformance' }),
      svc.recordActivityTaskHeartbeat({ namespace: 'default', taskToken: token, identity: 'conformance' }),
      svc.respondWorkflowTaskCompleted({ namespace: 'default', taskToken: token, identity: 'conformance' }),
      svc.respondWorkflowTaskFailed({ namespace: 'default', taskToken: token, identity: 'conformance' }),
      svc.respondQueryTaskCompleted({ namespace: 'default', taskToken: token }),
    ];
    for (const code of await Promise.all(calls.map(codeOf))) {
      expect([status.NOT_FOUND, status.INVALID_ARGUMENT]).toContain(code);
    }
  });
});

describe('random bytes on raw RPC paths', () => {
  it('settles every call with a deliberate status and keeps serving afterwards', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...RAW_METHODS), fuzzInputs(), async (method, bytes) => {
        const code = await raw.call(method, bytes, 2_000);
        seen.set(code, (seen.get(code) ?? 0) + 1);
        // why: UNKNOWN means a handler threw past the error mapping; UNAVAILABLE means the server is gone.
        expect([status.UNKNOWN, status.UNAVAILABLE]).not.toContain(code);
      }),
      { numRuns: 300 },
    );
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(300);
    const info = await c.client.workflowService.getSystemInfo({});
    expect(info.capabilities).toBeTruthy();
    const { result } = await runToEnd<string>(c, 'quick', ['still alive']);
    expect(result).toBe('still alive');
  });
});
