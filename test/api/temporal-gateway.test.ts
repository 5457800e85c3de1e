/**
 * The API on the real path, in one process: embedded Temporal service, the governed-task worker with
 * the real activities, and the API's Temporal gateway (start, status query, approval signal, cancel).
 */
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { temporal } from '@temporalio/proto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_PLAN } from '../../app/banner.js';
import { taskIdFor } from '../../api/services/tasks.js';
import { createTask } from '../../db/queries/tasks.js';
import { startRealApi, type Json, type RealApi } from '../support/real-api.js';

const QUEUE = 'api-gateway-test';

describe('the API through Temporal', () => {
  let stack: RealApi;
  let db: RealApi['db'];
  let demo: RealApi['demo'];
  let dataDir: string;

  const gql = (token: string, query: string, variables?: Json): Promise<Json> => stack.gql(token, query, variables);

  async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    stack = await startRealApi({ taskQueue: QUEUE });
    ({ db, demo, dataDir } = stack);
  }, 180_000);

  afterAll(async () => stack?.close());

  const SUBMIT = 'mutation($i: SubmitTaskInput!) { submitTask(input: $i) { id status steps { stepId state decision approval { id status } } } }';
  const TASK = 'query($id: ID!) { task(id: $id) { status outcome steps { stepId state executed approval { id status decidedBy } } } }';

  it('submits, holds the external e-mail for approval, and completes once approved', async () => {
    const submitted = await gql(demo.agentToken, SUBMIT, { i: { goal: 'tell a partner', plan: FIRST_PLAN } });
    expect(submitted.errors).toBeUndefined();
    const id = submitted.data.submitTask.id as string;
    const held = await until('the approval request', () => gql(demo.agentToken, TASK, { id }), (r) => r.data.task.steps[1].approval?.status === 'PENDING');
    expect(held.data.task.status).toBe('AWAITING_APPROVAL');
    const approvalId = held.data.task.steps[1].approval.id as string;
    const decided = await gql(demo.approverKey, 'mutation($id: ID!) { decideApproval(input: { approvalId: $id, decision: APPROVE, reason: "fine" }) { status } }', { id: approvalId });
    expect(decided.data.decideApproval.status).toBe('APPROVED');
    const done = await until('completion', () => gql(demo.agentToken, TASK, { id }), (r) => r.data.task.status === 'COMPLETED');
    expect(done.data.task.steps.map((s: Json) => [s.stepId, s.state, s.executed])).toEqual([['customers', 'EXECUTED', true], ['notify', 'EXECUTED', true]]);
    expect(done.data.task.steps[1].approval).toMatchObject({ status: 'APPROVED', decidedBy: 'demo-approver' });
    const replayed = await gql(demo.approverKey, 'query($id: ID!) { replay(taskId: $id) { taskId historyDigest summary timeline graph(format: MERMAID) } }', { id });
    expect(replayed.errors).toBeUndefined();
    expect(replayed.data.replay.taskId).toBe(id);
    expect(replayed.data.replay.summary.outcome).toBe('COMPLETED');
    expect(replayed.data.replay.graph).toMatch(/^(graph|flowchart) /);
    const kinds = (replayed.data.replay.timeline as { kind: string; eventIds: number[] }[]).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['plan.extracted', 'approval.requested', 'approval.decided', 'tool.executed']));
    const asAgent = await gql(demo.agentToken, 'query($id: ID!) { replay(taskId: $id) { taskId } }', { id });
    expect(asAgent.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const chain = await gql(demo.approverKey, 'query($id: ID!) { verifyAuditChain(taskId: $id) { ok events } }', { id });
    expect(chain.data.verifyAuditChain.ok).toBe(true);
  }, 120_000);

  it('runs a quick tool as a local activity: the whole task is one workflow task, and it replays deterministically', async () => {
    const submitted = await gql(demo.agentToken, SUBMIT, { i: { goal: 'read the customer list', plan: { steps: [FIRST_PLAN.steps[0]] } } });
    const id = submitted.data.submitTask.id as string;
    await until('completion', () => gql(demo.agentToken, TASK, { id }), (r) => r.data.task.status === 'COMPLETED');
    const history = await stack.temporal.workflow.getHandle(id).fetchHistory();
    const markers = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes).map((e) => {
      const a = e.markerRecordedEventAttributes!;
      const payload = (a.details?.data ?? a.details?.['patch-data'])?.payloads?.[0]?.data;
      const detail = payload ? (JSON.parse(Buffer.from(payload).toString('utf8')) as { activity_type?: string; id?: string }) : {};
      return { name: a.markerName, activity: detail.activity_type ?? detail.id };
    });
    expect(markers.filter((m) => m.name === 'core_patch').map((m) => m.activity)).toEqual(['local-activities-in-order-1', 'parallel-governance-1']);
    const calls = markers.filter((m) => m.name === 'core_local_activity').map((m) => m.activity);
    expect(calls).toEqual(expect.arrayContaining(['extractPlan', 'authenticateAgent', 'assessStep', 'reserveBudget', 'executeQuickTool', 'settleBudget', 'recordStep', 'recordOutcome']));
    // run_sql is a quick tool: no ordinary activity, and the whole task is one workflow task
    const types = (history.events ?? []).map((e) => e.eventType);
    expect(types.filter((t) => t === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toHaveLength(0);
    expect(types.filter((t) => t === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)).toHaveLength(1);
    // one at a time, in the order the workflow asks for them
    expect(calls).toEqual(['extractPlan', 'authenticateAgent', 'assessStep', 'reserveBudget', 'executeQuickTool', 'settleBudget', 'recordStep', 'recordOutcome']);
    const replayed = await gql(demo.approverKey, 'query($id: ID!) { replay(taskId: $id) { timeline unrecognised } determinismCheck(taskId: $id) { deterministic } }', { id });
    expect(replayed.data.replay.unrecognised).toEqual([]);
    expect(replayed.data.determinismCheck.deterministic).toBe(true);
    expect((replayed.data.replay.timeline as { kind: string }[]).map((e) => e.kind)).toEqual(expect.arrayContaining(['plan.extracted', 'identity.verified', 'tool.executed', 'budget.settled']));
  }, 60_000);

  it('runs a registered HTTP tool as an ordinary activity (heartbeats, its own retries), replayed like a quick one', async () => {
    const calls: unknown[] = [];
    const crm = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        calls.push({ ...(JSON.parse(body) as object), idempotencyKey: req.headers['idempotency-key'] });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ tier: 'gold' }));
      });
    });
    await new Promise<void>((r) => crm.listen(0, '127.0.0.1', () => r()));
    try {
      const base = `http://127.0.0.1:${(crm.address() as AddressInfo).port}/api/`;
      const tool = { name: 'crm_tier', argsSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, requiredCapability: 'crm:read', riskLevel: 'LOW', sideEffect: 'READ', urlAllowlist: [base], endpoint: `${base}tier` };
      const registered = await gql(stack.adminToken, 'mutation($i: RegisterToolInput!) { registerTool(input: $i) { name } }', { i: { ...tool, tenant: 'demo' } });
      expect(registered.errors).toBeUndefined();
      const agent = await gql(stack.adminToken, 'mutation { registerAgent(input: { name: "crm-reader", capabilities: ["crm:read"], tenant: "demo" }) { credential { token } } }');
      const token = agent.data.registerAgent.credential.token as string;
      const submitted = await gql(token, SUBMIT, { i: { goal: 'look up a tier', plan: { steps: [{ stepId: 'tier', tool: 'crm_tier', args: { id: 'c-1' } }] } } });
      expect(submitted.errors).toBeUndefined();
      const id = submitted.data.submitTask.id as string;
      const done = await until('completion', () => gql(token, TASK, { id }), (r) => ['COMPLETED', 'FAILED', 'BLOCKED', 'PARTIALLY_BLOCKED'].includes(r.data.task.status));
      expect(done.data.task.steps.map((s: Json) => [s.stepId, s.state, s.executed])).toEqual([['tier', 'EXECUTED', true]]);
      expect(calls).toEqual([expect.objectContaining({ tool: 'crm_tier', taskId: id, stepId: 'tier', args: { id: 'c-1' }, idempotencyKey: expect.any(String) })]);
      const history = await stack.temporal.workflow.getHandle(id).fetchHistory();
      const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType?.name);
      expect(scheduled).toEqual(['executeTool']);
      const locals = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
      expect(locals.length).toBeGreaterThan(0); // the governance calls around the tool stay local

      const replayed = await gql(demo.approverKey, 'query($id: ID!) { replay(taskId: $id) { timeline unrecognised } determinismCheck(taskId: $id) { deterministic } }', { id });
      expect(replayed.data.replay.unrecognised).toEqual([]);
      expect(replayed.data.determinismCheck.deterministic).toBe(true);
      expect((replayed.data.replay.timeline as { kind: string }[]).map((e) => e.kind)).toEqual(expect.arrayContaining(['tool.executed', 'budget.settled']));
    } finally {
      crm.close();
    }
  }, 60_000);

  it('replays tasks with independent steps deterministically: their local activities are recorded in the order they were asked for', async () => {
    const steps = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ stepId: id, tool: i % 2 ? 'run_sql' : 'write_file', args: i % 2 ? { query: 'SELECT name FROM customers' } : { path: `lanes/${id}.txt`, content: id } }));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const submitted = await gql(demo.agentToken, SUBMIT, { i: { goal: `independent steps ${i}`, plan: { steps: [...steps, { stepId: 'z', tool: 'read_file', args: { path: 'lanes/a.txt' }, dependsOn: ['a', 'b', 'c', 'd', 'e'] }] } } });
      expect(submitted.errors).toBeUndefined();
      ids.push(submitted.data.submitTask.id as string);
    }
    for (const id of ids) {
      const done = await until('completion', () => gql(demo.agentToken, TASK, { id }), (r) => r.data.task.status === 'COMPLETED');
      expect(done.data.task.steps.every((s: Json) => s.executed)).toBe(true);
      const checked = await gql(demo.approverKey, 'query($id: ID!) { determinismCheck(taskId: $id) { deterministic drift } }', { id });
      expect(checked.data.determinismCheck).toEqual({ deterministic: true, drift: null });
      // the invariant replay needs: local activities finish in the order they were scheduled (sequence numbers ascend)
      const history = await stack.temporal.workflow.getHandle(id).fetchHistory();
      const seqs = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
        .map((e) => (JSON.parse(Buffer.from(e.markerRecordedEventAttributes!.details!.data!.payloads![0]!.data!).toString('utf8')) as { seq: number }).seq);
      expect(seqs.length).toBeGreaterThan(20);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  }, 60_000);

  it('starts the workflow of a task recorded without one (the process died in between) when the submit is retried with its key', async () => {
    const steps = [{ stepId: 'w', tool: 'write_file', args: { path: 'resume/a.txt', content: 'resumed' } }];
    // the plan the API records for these steps, taken from a submit that went through
    const first = await gql(demo.agentToken, SUBMIT, { i: { goal: 'resume me', plan: { steps }, idempotencyKey: 'resume-template' } });
    const { rows: [template] } = await db.pool.query<{ plan: unknown }>('SELECT plan FROM tasks WHERE id = $1', [first.data.submitTask.id]);
    // the first half of a submit that crashed: the task row, no workflow
    const id = taskIdFor({ tenant: 'demo', agentId: demo.agentId }, 'resume-crashed');
    await createTask(db.pool, { id, tenant: 'demo', agentId: demo.agentId, submittedBy: demo.agentId, goal: 'resume me', plan: template!.plan as never });
    expect(await stack.temporal.workflow.getHandle(id).describe().then(() => 'exists', () => 'missing')).toBe('missing');
    const retried = await gql(demo.agentToken, SUBMIT, { i: { goal: 'resume me', plan: { steps }, idempotencyKey: 'resume-crashed' } });
    expect(retried.data.submitTask.id).toBe(id);
    const done = await until('completion', () => gql(demo.agentToken, TASK, { id }), (r) => r.data.task.status === 'COMPLETED');
    expect(done.data.task.steps.map((s: Json) => [s.stepId, s.state, s.executed])).toEqual([['w', 'EXECUTED', true]]);
    // a further retry of a finished task changes nothing
    const again = await gql(demo.agentToken, SUBMIT, { i: { goal: 'resume me', plan: { steps }, idempotencyKey: 'resume-crashed' } });
    expect(again.data.submitTask.id).toBe(id);
  }, 60_000);

  it('does not run a tool that was re-registered after its step was assessed and approved (fail closed)', async () => {
    const hits: string[] = [];
    const vendor = createServer((req, res) => {
      hits.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    await new Promise<void>((r) => vendor.listen(0, '127.0.0.1', () => r()));
    try {
      const base = `http://127.0.0.1:${(vendor.address() as AddressInfo).port}/`;
      const register = (path: string) => gql(stack.adminToken, 'mutation($i: RegisterToolInput!) { registerTool(input: $i) { version } }', {
        i: { name: 'wire_funds', tenant: 'demo', argsSchema: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] }, requiredCapability: 'payments:send', riskLevel: 'LOW', sideEffect: 'IRREVERSIBLE', urlAllowlist: [base], endpoint: `${base}${path}` },
      });
      expect((await register('approved-endpoint')).errors).toBeUndefined();
      const agent = await gql(stack.adminToken, 'mutation { registerAgent(input: { name: "payer", capabilities: ["payments:send"], tenant: "demo" }) { credential { token } } }');
      const token = agent.data.registerAgent.credential.token as string;
      const submitted = await gql(token, SUBMIT, { i: { goal: 'pay the invoice', plan: { steps: [{ stepId: 'pay', tool: 'wire_funds', args: { amount: 120 } }] } } });
      const id = submitted.data.submitTask.id as string;
      const held = await until('the approval request', () => gql(token, TASK, { id }), (r) => r.data.task.steps[0].approval?.status === 'PENDING');
      // the definition changes while the step waits for a person: another endpoint
      expect((await register('swapped-endpoint')).data.registerTool.version).toBe(2);
      const decided = await gql(demo.approverKey, 'mutation($id: ID!) { decideApproval(input: { approvalId: $id, decision: APPROVE, reason: "invoice checked" }) { status } }', { id: held.data.task.steps[0].approval.id });
      expect(decided.data.decideApproval.status).toBe('APPROVED');
      const done = await until('the end', () => gql(token, 'query($id: ID!) { task(id: $id) { status steps { state executed error { code message } } } }', { id }), (r) => !['RUNNING', 'AWAITING_APPROVAL'].includes(r.data.task.status));
      expect(done.data.task.steps[0]).toMatchObject({ state: 'FAILED', executed: false, error: { code: 'TOOL_CHANGED' } });
      expect(hits).toEqual([]);
    } finally {
      vendor.close();
    }
  }, 60_000);

  it('cancels a task waiting for approval', async () => {
    const submitted = await gql(demo.agentToken, SUBMIT, { i: { goal: 'tell a partner again', plan: FIRST_PLAN } });
    const id = submitted.data.submitTask.id as string;
    await until('the approval request', () => gql(demo.agentToken, TASK, { id }), (r) => r.data.task.steps[1].approval?.status === 'PENDING');
    const cancel = await gql(demo.agentToken, 'mutation($id: ID!) { cancelTask(id: $id, reason: "changed my mind") { id } }', { id });
    expect(cancel.errors).toBeUndefined();
    const done = await until('cancellation', () => gql(demo.agentToken, TASK, { id }), (r) => r.data.task.status === 'CANCELLED');
    expect(done.data.task.outcome).toBe('CANCELLED');
    expect(done.data.task.steps[1].executed).toBe(false);
    const asked = await db.pool.query<{ actor: Json; data: Json }>(`SELECT event->'actor' AS actor, event->'data' AS data FROM audit_events WHERE task_id = $1 AND event_type = 'task.cancel_requested'`, [id]);
    expect(asked.rows).toHaveLength(1);
    expect(asked.rows[0]!.data).toEqual({ reason: 'changed my mind' });
    expect(asked.rows[0]!.actor).toMatchObject({ kind: 'agent' });
  }, 120_000);

  it('runs a caller-executed step: READY on submit, the reported result completes it, and the worker never acts', async () => {
    const plan = { steps: [{ stepId: 'w', tool: 'write_file', args: { path: 'caller/never.txt', content: 'the worker must not write this' } }] };
    const submitted = await gql(demo.agentToken, SUBMIT, { i: { goal: 'caller runs it', plan, executor: 'CALLER' } });
    expect(submitted.errors).toBeUndefined();
    const id = submitted.data.submitTask.id as string;
    expect(submitted.data.submitTask.steps[0]).toMatchObject({ stepId: 'w', state: 'READY', decision: 'ALLOW' });
    const REPORT = 'mutation($i: ReportToolResultInput!) { reportToolResult(input: $i) { id status } }';
    const report = { taskId: id, stepId: 'w', ok: true, result: { bytes: 30 }, usage: { wallTimeMs: 4 } };
    const first = await gql(demo.agentToken, REPORT, { i: report });
    expect(first.errors).toBeUndefined();
    const done = await until('completion', () => gql(demo.agentToken, 'query($id: ID!) { task(id: $id) { status steps { state executed result } } }', { id }), (r) => r.data.task.status === 'COMPLETED');
    expect(done.data.task.steps[0]).toEqual({ state: 'EXECUTED', executed: true, result: { bytes: 30 } });
    await expect(stat(join(dataDir, 'sandbox', 'demo', 'caller', 'never.txt'))).rejects.toThrow();
    await expect(stat(join(dataDir, 'sandbox', 'caller', 'never.txt'))).rejects.toThrow();
    // the same report again is harmless; a different one is refused and changes nothing
    expect((await gql(demo.agentToken, REPORT, { i: report })).errors).toBeUndefined();
    const other = await gql(demo.agentToken, REPORT, { i: { ...report, result: { bytes: 31 } } });
    expect(other.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const after = await gql(demo.agentToken, 'query($id: ID!) { task(id: $id) { steps { result } } }', { id });
    expect(after.data.task.steps[0].result).toEqual({ bytes: 30 });
    const audit = await db.pool.query<{ data: Json }>(`SELECT event->'data' AS data FROM audit_events WHERE task_id = $1 AND event_type = 'tool.executed'`, [id]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]!.data).toMatchObject({ executor: 'caller' });
  }, 120_000);

  it('refuses results for a worker-executed task and malformed reports', async () => {
    const plan = { steps: [{ stepId: 'q', tool: 'run_sql', args: { query: 'SELECT 1' } }] };
    const submitted = await gql(demo.agentToken, SUBMIT, { i: { goal: 'worker runs it', plan } });
    const id = submitted.data.submitTask.id as string;
    const REPORT = 'mutation($i: ReportToolResultInput!) { reportToolResult(input: $i) { id } }';
    const onWorker = await gql(demo.agentToken, REPORT, { i: { taskId: id, stepId: 'q', ok: true, result: 1 } });
    expect(onWorker.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const bad = await gql(demo.agentToken, REPORT, { i: { taskId: id, stepId: 'q', ok: false } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.extensions?.issues).toEqual([{ path: 'error', message: 'is required when `ok` is false' }]);
    const asApprover = await gql(demo.approverKey, REPORT, { i: { taskId: id, stepId: 'q', ok: true, result: 1 } });
    expect(asApprover.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  }, 120_000);
});
