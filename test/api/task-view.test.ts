import { describe, expect, it } from 'vitest';
import type { StepRow, TaskRow } from '../../api/services/store.js';
import { firstDecisionsKnown, toTaskModel } from '../../api/services/task-view.js';
import type { StepView, TaskView } from '../../workflows/contract.js';

const row = (over: Partial<TaskRow> = {}): TaskRow => ({
  id: 't1', tenant: 'acme', agentId: 'a1', submittedBy: 'a1', goal: 'g', status: 'RUNNING', outcome: null, riskLevel: null,
  plan: { planId: 'p1', goal: 'g', steps: [
    { stepId: 'read', tool: 'read_file', args: { path: 'x' }, dependsOn: [], provenance: {} },
    { stepId: 'mail', tool: 'send_email', args: { to: 'b@c.d' }, dependsOn: [], provenance: {} },
  ] },
  summary: {}, view: null, createdAt: '2026-11-25T21:00:00.000Z', updatedAt: '2026-11-25T21:00:00.000Z', completedAt: null, ...over,
});

const view = (stepId: string, state: StepView['state'], over: Partial<StepView> = {}): StepView => ({
  stepId, tool: stepId === 'read' ? 'read_file' : 'send_email', dependsOn: [], state, reasons: [], determiningPolicies: [], executed: state === 'EXECUTED', ...over,
});

const step = (stepId: string, over: Partial<StepRow> = {}): StepRow => ({
  taskId: 't1', stepId, tool: stepId === 'read' ? 'read_file' : 'send_email', args: { stored: true }, decision: null, reasons: [], risk: null,
  approvalId: null, executed: false, result: null, error: null, view: null, updatedAt: '2026-11-25T21:00:01.000Z', ...over,
});

describe('task view merge', () => {
  it('shows plan steps as pending before anything is recorded', () => {
    const t = toTaskModel(row(), [], [], null);
    expect(t.steps.map((s) => [s.stepId, s.state, s.args])).toEqual([['read', 'PENDING', { path: 'x' }], ['mail', 'PENDING', { to: 'b@c.d' }]]);
    expect(t.status).toBe('RUNNING');
  });

  it('shows a held step as awaiting approval from its row alone, before and after its approval is recorded', () => {
    const held = step('mail', { decision: 'REQUIRE_APPROVAL' });
    const before = toTaskModel(row(), [step('read', { decision: 'ALLOW' }), held], [], null);
    expect(before.steps.map((s) => s.state)).toEqual(['EXECUTING', 'AWAITING_APPROVAL']);
    expect(before.status).toBe('AWAITING_APPROVAL');
    const approved = { approvalId: 'ap1', stepId: 'mail', status: 'APPROVED' } as Parameters<typeof toTaskModel>[2][number];
    expect(toTaskModel(row(), [held], [approved], null).steps.find((s) => s.stepId === 'mail')?.state).toBe('EXECUTING');
  });

  it('prefers the live view while running, and keeps arguments and results from the rows', () => {
    const live: TaskView = { taskId: 't1', tenant: 'acme', agentId: 'a1', status: 'AWAITING_APPROVAL', steps: [view('read', 'EXECUTED'), view('mail', 'AWAITING_APPROVAL', { decision: 'REQUIRE_APPROVAL' })], reasons: [] };
    const t = toTaskModel(row(), [step('read', { executed: true, result: { text: 'hi' }, view: view('read', 'EXECUTING') })], [], live);
    expect(t.status).toBe('AWAITING_APPROVAL');
    expect(t.steps[0]).toMatchObject({ state: 'EXECUTED', args: { stored: true }, result: { text: 'hi' } });
    expect(t.steps[1]).toMatchObject({ state: 'AWAITING_APPROVAL', decision: 'REQUIRE_APPROVAL' });
  });

  it('without a live view, derives AWAITING_APPROVAL from recorded step views even if the task row says RUNNING', () => {
    const t = toTaskModel(row(), [step('read', { view: view('read', 'EXECUTED') }), step('mail', { view: view('mail', 'AWAITING_APPROVAL') })], [], null);
    expect(t.status).toBe('AWAITING_APPROVAL');
    expect(t.steps.map((s) => s.state)).toEqual(['EXECUTED', 'AWAITING_APPROVAL']);
  });

  it('uses the outcome and the recorded final view once done; malformed recorded JSON is ignored, not trusted', () => {
    const done = row({ status: 'DONE', outcome: 'BLOCKED', view: { reasons: [{ code: 'PLAN_INVALID', message: 'bad' }], steps: 'not-a-list' } });
    const t = toTaskModel(done, [step('read', { view: { state: 'HACKED' } })], [], null);
    expect(t.status).toBe('BLOCKED');
    expect(t.reasons).toEqual([]);
    expect(t.steps.map((s) => s.state)).toEqual(['SKIPPED', 'SKIPPED']);
  });

  it.each([
    [{ status: 'RUNNING', steps: [] }, false],
    [{ status: 'RUNNING', steps: [view('read', 'ASSESSING')] }, false],
    [{ status: 'RUNNING', steps: [view('read', 'EXECUTING', { decision: 'ALLOW' }), view('mail', 'DENIED')] }, true],
    [{ status: 'AWAITING_APPROVAL', steps: [view('read', 'PENDING')] }, true],
  ] as const)('knows when first decisions are in (%#)', (v, expected) => {
    expect(firstDecisionsKnown({ taskId: 't1', tenant: 'acme', agentId: 'a1', reasons: [], ...v, steps: [...v.steps] } as TaskView)).toBe(expected);
  });
});
