import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, codes, gql, openHarness, seedHeldTask, tenantFixture, type Harness, type TenantFixture } from './harness.js';

const TASK = 'query($id: ID!) { task(id: $id) { id tenant agentId status steps { stepId state decision approval { id status } } } }';
const APPROVAL = 'query($id: ID!) { approval(id: $id) { id tenant status canDecide whyNot } }';
const AUDIT = 'query($t: ID!) { auditEvents(taskId: $t) { edges { node { type tenant } } } }';
const VERIFY = 'query($t: ID!) { verifyAuditChain(taskId: $t) { ok events } }';
const TASKS = 'query($f: TaskFilter) { tasks(filter: $f) { totalCount edges { node { id tenant agentId } } } }';

describe('role and tenant isolation', () => {
  let h: Harness;
  let a: TenantFixture;
  let b: TenantFixture;
  let inA: { taskId: string; approvalId: string; binding: string };
  let inB: { taskId: string; approvalId: string; binding: string };
  let otherAgentTask: { taskId: string; approvalId: string };

  beforeAll(async () => {
    h = await openHarness();
    a = await tenantFixture(h, 'acme');
    b = await tenantFixture(h, 'globex');
    inA = await seedHeldTask(h, 'acme', a.agent.id, { actingFor: ['alice@acme'] });
    inB = await seedHeldTask(h, 'globex', b.agent.id);
    otherAgentTask = await seedHeldTask(h, 'acme', a.otherAgent.id);
  });
  afterAll(async () => h?.close());

  it('lets an investigator read a task, its approval and its audit trail in their own tenant', async () => {
    expect((await gql(h, a.investigator.token, TASK, { id: inA.taskId })).data!.task).toMatchObject({ id: inA.taskId, tenant: 'acme', status: 'AWAITING_APPROVAL' });
    expect((await gql(h, a.investigator.token, APPROVAL, { id: inA.approvalId })).data!.approval).toMatchObject({ id: inA.approvalId, status: 'PENDING' });
    const audit = await gql(h, a.investigator.token, AUDIT, { t: inA.taskId });
    expect(audit.data!.auditEvents.edges.map((e: { node: { type: string } }) => e.node.type)).toEqual(['approval.requested']);
    expect((await gql(h, a.investigator.token, VERIFY, { t: inA.taskId })).data!.verifyAuditChain).toEqual({ ok: true, events: 1 });
  });

  it.each(['investigator', 'admin', 'approver', 'agent'] as const)('hides tenant B from the %s of tenant A', async (role) => {
    const token = a[role].token;
    expect((await gql(h, token, TASK, { id: inB.taskId })).data?.task ?? null).toBeNull();
    expect((await gql(h, token, APPROVAL, { id: inB.approvalId })).data?.approval ?? null).toBeNull();
    for (const q of [AUDIT, VERIFY]) {
      const r = await gql(h, token, q, { t: inB.taskId });
      expect(codes(r)).toEqual([role === 'investigator' || role === 'admin' ? 'NOT_FOUND' : 'FORBIDDEN']);
      expect(JSON.stringify(r)).not.toContain('globex');
    }
  });

  it('lists only the tasks of the viewer\'s tenant, and refuses a filter naming another tenant', async () => {
    const r = await gql(h, a.investigator.token, TASKS);
    const tenants = new Set(r.data!.tasks.edges.map((e: { node: { tenant: string } }) => e.node.tenant));
    expect([...tenants]).toEqual(['acme']);
    expect(r.data!.tasks.totalCount).toBe(2);
    expect(codes(await gql(h, a.investigator.token, TASKS, { f: { tenant: 'globex' } }))).toEqual(['FORBIDDEN']);
  });

  it('narrows an agent to its own tasks, whatever the filter says', async () => {
    const own = await gql(h, a.agent.token, TASKS);
    expect(own.data!.tasks.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([inA.taskId]);
    const other = await gql(h, a.agent.token, TASKS, { f: { agentId: a.otherAgent.id } });
    expect(other.data!.tasks.edges).toEqual([]);
    expect((await gql(h, a.agent.token, TASK, { id: otherAgentTask.taskId })).data!.task).toBeNull();
  });

  it('lets the platform administrator read across tenants', async () => {
    const r = await gql(h, ADMIN_TOKEN, TASKS);
    expect(r.data!.tasks.totalCount).toBe(3);
    const onlyB = await gql(h, ADMIN_TOKEN, TASKS, { f: { tenant: 'globex' } });
    expect(onlyB.data!.tasks.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([inB.taskId]);
    expect((await gql(h, ADMIN_TOKEN, TASK, { id: inB.taskId })).data!.task.tenant).toBe('globex');
  });

  it('shows approvers only the pending approvals of their tenant', async () => {
    const r = await gql(h, a.approver.token, '{ pendingApprovals { id tenant } }');
    expect(r.data!.pendingApprovals.map((p: { tenant: string }) => p.tenant)).toEqual(['acme', 'acme']);
    expect(codes(await gql(h, a.agent.token, '{ pendingApprovals { id } }'))).toEqual(['FORBIDDEN']);
  });

  it('refuses a decision on another tenant\'s approval as if it did not exist', async () => {
    const r = await gql(h, a.approver.token, 'mutation($id: ID!) { decideApproval(input: { approvalId: $id, decision: APPROVE }) { id } }', { id: inB.approvalId });
    expect(codes(r)).toEqual(['NOT_FOUND']);
    expect(h.gateway.signals).toEqual([]);
  });

  it('explains separation of duties: someone in the delegation chain cannot decide', async () => {
    const alice = await gql(h, a.admin.token, 'mutation { issueApiKey(input: { subject: "alice@acme", roles: [APPROVER] }) { key } }');
    const key = alice.data!.issueApiKey.key as string;
    const view = await gql(h, key, APPROVAL, { id: inA.approvalId });
    expect(view.data!.approval.canDecide).toBe(false);
    expect(view.data!.approval.whyNot).toMatch(/delegation chain/);
    const r = await gql(h, key, 'mutation($id: ID!) { decideApproval(input: { approvalId: $id, decision: APPROVE }) { id } }', { id: inA.approvalId });
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(r.errors![0]!.message).toMatch(/separation of duties/);
  });

  it('records a decision once, audits it, signals the workflow, and refuses a second one', async () => {
    const view = await gql(h, a.approver.token, APPROVAL, { id: inA.approvalId });
    expect(view.data!.approval).toMatchObject({ canDecide: true, whyNot: null });
    const decide = 'mutation($id: ID!, $b: String) { decideApproval(input: { approvalId: $id, decision: DENY, reason: "not to partners", binding: $b }) { status decidedBy reason } }';
    const first = await gql(h, a.approver.token, decide, { id: inA.approvalId, b: inA.binding });
    expect(first.data!.decideApproval).toEqual({ status: 'DENIED', decidedBy: 'approver@acme', reason: 'not to partners' });
    expect(h.gateway.signals).toEqual([{ taskId: inA.taskId, signal: { approvalId: inA.approvalId, decision: 'DENY', decidedBy: 'approver@acme', reason: 'not to partners' } }]);
    const audit = await gql(h, a.investigator.token, AUDIT, { t: inA.taskId });
    expect(audit.data!.auditEvents.edges.map((e: { node: { type: string } }) => e.node.type)).toEqual(['approval.requested', 'approval.decided']);
    const second = await gql(h, a.approver.token, decide, { id: inA.approvalId, b: inA.binding });
    expect(codes(second)).toEqual(['CONFLICT']);
    expect(h.gateway.signals).toHaveLength(1);
  });

  it('refuses a decision bound to a different step version', async () => {
    const r = await gql(h, a.approver.token, 'mutation($id: ID!, $b: String) { decideApproval(input: { approvalId: $id, decision: APPROVE, binding: $b }) { id } }', {
      id: otherAgentTask.approvalId, b: 'f'.repeat(64),
    });
    expect(codes(r)).toEqual(['CONFLICT']);
    expect(r.errors![0]!.message).toMatch(/binding/);
  });

  it('keeps admins to their own tenant when they write', async () => {
    const r = await gql(h, a.admin.token, 'mutation { issueApiKey(input: { subject: "x", roles: [APPROVER], tenant: "globex" }) { key } }');
    expect(codes(r)).toEqual(['FORBIDDEN']);
    const agents = await gql(h, a.admin.token, '{ agents { tenant } }');
    expect(new Set(agents.data!.agents.map((x: { tenant: string }) => x.tenant))).toEqual(new Set(['acme']));
    const cred = await gql(h, a.admin.token, 'mutation($id: ID!) { issueAgentCredential(input: { agentId: $id }) { token } }', { id: b.agent.id });
    expect(codes(cred)).toEqual(['NOT_FOUND']);
  });

  it('lets only the submitting agent or an admin cancel, and signals the workflow', async () => {
    expect(codes(await gql(h, a.otherAgent.token, 'mutation($id: ID!) { cancelTask(id: $id) { id } }', { id: otherAgentTask.taskId }))).toEqual([]);
    expect(codes(await gql(h, a.investigator.token, 'mutation($id: ID!) { cancelTask(id: $id) { id } }', { id: otherAgentTask.taskId }))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(h, a.agent.token, 'mutation($id: ID!) { cancelTask(id: $id) { id } }', { id: otherAgentTask.taskId }))).toEqual(['NOT_FOUND']);
    expect(h.gateway.cancels.map((c) => c.taskId)).toEqual([otherAgentTask.taskId]);
  });
});
