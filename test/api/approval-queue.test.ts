/**
 * A submitter may have only so many approvals waiting for a person (MAX_PENDING_APPROVALS): a step
 * that would open one more is denied, not queued, so a runaway or compromised agent cannot bury its
 * approvers (OWASP agentic T10). Real worker, real database, real Temporal service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealApi, type Json, type RealApi } from '../support/real-api.js';

describe('the approval queue of one submitter is bounded', () => {
  let stack: RealApi;
  const SUBMIT = 'mutation($i: SubmitTaskInput!) { submitTask(input: $i) { id } }';
  const TASK = 'query($id: ID!) { task(id: $id) { status outcome steps { state decision reasons { code message } approval { id status } } } }';
  const DECIDE = 'mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { status } }';

  beforeAll(async () => {
    stack = await startRealApi({ taskQueue: 'approval-queue-test', maxPendingApprovals: 2 });
  }, 180_000);
  afterAll(async () => stack?.close());

  // an e-mail to an outside domain needs a person's approval under the default policy pack
  const mail = async (n: number): Promise<string> => (await stack.ok(stack.demo.agentToken, SUBMIT, { i: { goal: `mail ${n}`, plan: { steps: [{ stepId: 'm', tool: 'send_email', args: { to: `p${n}@partner.test`, subject: 's', body: 'b' } }] } } })).submitTask.id;
  const settled = async (id: string): Promise<Json> => {
    for (let i = 0; i < 200; i++) {
      const t = (await stack.ok(stack.demo.agentToken, TASK, { id })).task;
      if (t.outcome || t.steps[0].approval?.status === 'PENDING') return t;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`task ${id} neither waits for a person nor finished`);
  };

  it('denies the step that would open one approval too many, and takes requests again once one is decided', async () => {
    const first = await settled(await mail(1));
    const second = await settled(await mail(2));
    expect([first.steps[0].approval?.status, second.steps[0].approval?.status]).toEqual(['PENDING', 'PENDING']);

    const thirdId = await mail(3);
    const third = await settled(thirdId);
    expect(third.outcome).toBe('BLOCKED');
    expect(third.steps[0]).toMatchObject({ state: 'DENIED', decision: 'DENY', approval: null });
    expect(third.steps[0].reasons).toContainEqual({ code: 'APPROVAL_QUEUE_FULL', message: expect.stringContaining('at most 2') });
    const { rows } = await stack.db.pool.query("SELECT count(*)::int AS n FROM approvals WHERE task_id = $1", [thirdId]);
    expect(rows[0].n).toBe(0);
    const audit = await stack.db.pool.query("SELECT event FROM audit_events WHERE task_id = $1 AND event_type = 'approval.refused'", [thirdId]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].event.data).toMatchObject({ pending: 2, limit: 2 });

    // the history tells the same story, and replays against today's workflow code
    const investigator = (await stack.ok(stack.adminToken, 'mutation($i: IssueApiKeyInput!) { issueApiKey(input: $i) { key } }', { i: { subject: 'ivy@demo.test', roles: ['INVESTIGATOR'], tenant: 'demo' } })).issueApiKey.key;
    const replay = (await stack.ok(investigator, 'query($id: ID!) { replay(taskId: $id) { timeline unrecognised summary } determinismCheck(taskId: $id) { deterministic drift } }', { id: thirdId }));
    expect(replay.replay.unrecognised).toEqual([]);
    expect(replay.replay.timeline.map((e: Json) => e.kind)).toContain('approval.refused');
    expect(replay.replay.timeline.map((e: Json) => e.kind)).not.toContain('approval.requested');
    expect(replay.determinismCheck).toEqual({ deterministic: true, drift: null });

    // a person decides one: the queue has room again
    await stack.ok(stack.demo.approverKey, DECIDE, { i: { approvalId: first.steps[0].approval.id, decision: 'DENY', reason: 'not now' } });
    const fourth = await settled(await mail(4));
    expect(fourth.steps[0].approval?.status).toBe('PENDING');

    // a task cancelled while it waits closes its approval: it leaves the approvers' queue and frees a place
    const secondId = (await stack.db.pool.query("SELECT task_id FROM approvals WHERE approval_id = $1", [second.steps[0].approval.id])).rows[0].task_id as string;
    await stack.ok(stack.adminToken, 'mutation($id: ID!) { cancelTask(id: $id, reason: "changed my mind") { id } }', { id: secondId });
    for (let i = 0; i < 200 && !(await stack.ok(stack.demo.agentToken, TASK, { id: secondId })).task.outcome; i++) await new Promise((r) => setTimeout(r, 100));
    const closed = await stack.db.pool.query('SELECT status, decided_by FROM approvals WHERE approval_id = $1', [second.steps[0].approval.id]);
    expect(closed.rows[0]).toEqual({ status: 'CANCELLED', decided_by: 'system' });
    const cancelledAudit = await stack.db.pool.query("SELECT count(*)::int AS n FROM audit_events WHERE task_id = $1 AND event_type = 'approval.cancelled'", [secondId]);
    expect(cancelledAudit.rows[0].n).toBe(1);
    const fifth = await settled(await mail(5));
    expect(fifth.steps[0].approval?.status).toBe('PENDING');
  });
});
