/**
 * @module Governed-task histories for tests: simulates workflows/governed-task.ts step by step and
 * records what its activities would return, through HistoryBuilder (the way Temporal writes them).
 * As workflows/governed-task.ts runs them, governance activities are local activities (one marker
 * each, its result carrying the call's input) and executeTool is an activity; inputs are those of
 * workflows/contract.ts, where per-step activities name the plan by `planVersion` (activities load
 * it), so a history grows linearly with the plan.
 */
import { digestJson } from '../../lib/canonical-json.js';
import type { AgentIdentity, DecisionReason, ExecutionPlan, Provenance, StepAssessment } from '../../governance/types.js';
import type { GovernedTaskInput, StepView, TaskView } from '../../workflows/contract.js';
import { riskLevelOf, taskOutcome } from '../../workflows/outcome.js';
import { HistoryBuilder } from './history-builder.js';

export type Verdict = 'ALLOW' | 'DENY' | { approval: 'APPROVE' | 'DENY' | 'EXPIRE'; by?: string };

export interface StepSpec {
  stepId: string;
  tool: string;
  args: Record<string, unknown>;
  dependsOn?: string[];
  provenance?: Record<string, Provenance>;
  verdict: Verdict;
  policies?: string[];
  budgetExceeded?: boolean;
  toolFails?: boolean;
  /** Every attempt of the tool activity failed (it never answered; the workflow releases the budget). */
  toolExhausted?: boolean;
  attempts?: number;
  toolDigest?: string;
}

export interface TaskSpec {
  taskId: string;
  tenant?: string;
  agentId?: string;
  actingFor?: string[];
  goal?: string;
  steps: StepSpec[];
  start?: string;
  policySetVersion?: string;
  /** Tools run as the local activity executeQuickTool (a marker), as the workflow runs quick built-in tools. */
  quickTools?: boolean;
  /** Decide with a real assessor instead of the verdicts (the flow then follows its decisions). */
  assessWith?: (plan: ExecutionPlan, stepId: string, identity: AgentIdentity, now: Date) => StepAssessment;
}

const reason = (code: string, message: string, policyId?: string): DecisionReason => ({ code, message, ...(policyId ? { policyId } : {}) });

function assessment(spec: StepSpec, at: string, version: string): StepAssessment {
  const decision = spec.verdict === 'ALLOW' ? 'ALLOW' : spec.verdict === 'DENY' ? 'DENY' : 'REQUIRE_APPROVAL';
  const policies = spec.policies ?? (decision === 'ALLOW' ? ['permit-reads'] : decision === 'DENY' ? ['forbid-outside-sandbox'] : ['approve-external-email']);
  const score = decision === 'ALLOW' ? 12 : decision === 'DENY' ? 71 : 48;
  const tainted = Object.values(spec.provenance ?? {}).some((p) => p.trust === 'untrusted' || p.trust === 'external');
  return {
    stepId: spec.stepId, tool: spec.tool, decision,
    reasons: policies.map((p) => reason(decision === 'ALLOW' ? 'POLICY_PERMIT' : decision === 'DENY' ? 'POLICY_FORBID' : 'APPROVAL_REQUIRED', `policy \`${p}\` matched`, p)),
    determiningPolicies: policies, policySetVersion: version,
    risk: { score, level: score > 70 ? 'high' : score > 40 ? 'medium' : 'low', factors: [{ code: 'TOOL_RISK', weight: score, explanation: 'tool risk level' }] },
    tainted, taintSources: tainted ? Object.values(spec.provenance ?? {}).filter((p) => p.trust !== 'trusted').map((p) => p.source) : [],
    argsDigest: digestJson(spec.args), evaluatedAt: at,
    inputs: { toolDigest: spec.toolDigest ?? digestJson({ tool: spec.tool }), budget: { fractionUsed: 0.1, exhausted: false }, args: spec.args },
  };
}

class Sim {
  readonly h: HistoryBuilder;
  readonly views = new Map<string, StepView>();
  constructor(readonly spec: TaskSpec, readonly input: GovernedTaskInput, readonly plan: ExecutionPlan, readonly planVersion: string) {
    this.h = new HistoryBuilder(spec.start, spec.taskId);
  }

  get base() {
    return { taskId: this.spec.taskId, tenant: this.input.tenant };
  }

  /** A governance activity: run as a local activity, its result carrying its input (workflows/contract.ts RecordedActivities). */
  governance(name: string, input: unknown, output?: unknown): void {
    this.h.localActivity(name, output === undefined ? { input } : { input, output });
  }

  record(v: StepView): void {
    this.governance('recordStep', { ...this.base, view: structuredClone(v) });
  }

  now(): string {
    return new Date(Date.parse((this.h.events.at(-1)!.eventTime as string)) + 1).toISOString();
  }

  run(step: StepSpec, identity: AgentIdentity): void {
    const v = this.views.get(step.stepId)!;
    const blocked = (step.dependsOn ?? []).map((d) => this.views.get(d)!).find((d) => d.state !== 'EXECUTED');
    if (blocked) {
      v.state = 'SKIPPED';
      v.reasons.push(reason('DEPENDENCY_NOT_EXECUTED', `depends on step \`${blocked.stepId}\`, which was not executed (${blocked.state.toLowerCase()})`));
      return this.record(v);
    }
    const a = this.spec.assessWith ? this.spec.assessWith(this.plan, step.stepId, identity, new Date(this.now())) : assessment(step, this.now(), this.spec.policySetVersion ?? 'pv-1');
    this.governance('assessStep', { ...this.base, planVersion: this.planVersion, stepId: step.stepId, identity }, a);
    Object.assign(v, { decision: a.decision, reasons: [...a.reasons], determiningPolicies: a.determiningPolicies, risk: a.risk });
    if (a.decision === 'DENY') {
      v.state = 'DENIED';
      return this.record(v);
    }
    if (a.decision === 'REQUIRE_APPROVAL' && !this.approve(step, v, a)) return this.record(v);
    this.execute(step, v);
  }

  approve(step: StepSpec, v: StepView, a: StepAssessment): boolean {
    const verdict = typeof step.verdict === 'object' ? step.verdict : { approval: 'APPROVE' as const, by: undefined };
    v.state = 'AWAITING_APPROVAL';
    this.record(v);
    const approvalId = `apr_${step.stepId}`;
    const expiresAt = new Date(Date.parse(this.now()) + 60_000).toISOString();
    this.governance('requestApproval', { ...this.base, stepId: step.stepId, tool: step.tool, argsDigest: a.argsDigest, planVersion: this.planVersion, assessment: a, submittedBy: this.input.submittedBy, actingFor: this.spec.actingFor ?? [], timeoutMs: 60_000 }, { approvalId, expiresAt, binding: `b-${step.stepId}` });
    v.approval = { approvalId, status: 'PENDING', expiresAt };
    const timer = this.h.timerStarted(60_000);
    if (verdict.approval === 'EXPIRE') {
      this.h.advance(60_000).timerFired(timer);
      this.governance('expireApproval', { ...this.base, approvalId }, { status: 'EXPIRED' });
      Object.assign(v, { state: 'DENIED', decision: 'DENY' });
      v.approval.status = 'EXPIRED';
      v.reasons.push(reason('APPROVAL_EXPIRED', `no decision before the approval expired at ${expiresAt}`));
      return false;
    }
    const by = verdict.by ?? 'bob@demo.test';
    this.h.advance(2_000).signal('approvalDecision', { approvalId, decision: verdict.approval, decidedBy: by, reason: verdict.approval === 'APPROVE' ? 'looks fine' : 'not allowed' });
    this.h.timerCanceled(timer);
    v.approval = { ...v.approval, status: verdict.approval === 'APPROVE' ? 'APPROVED' : 'DENIED', decidedBy: by };
    if (verdict.approval === 'DENY') {
      Object.assign(v, { state: 'DENIED', decision: 'DENY' });
      v.reasons.push(reason('APPROVAL_DENIED', `denied by \`${by}\`: not allowed`));
      return false;
    }
    v.reasons.push(reason('APPROVED', `approved by \`${by}\`: looks fine`));
    return true;
  }

  execute(step: StepSpec, v: StepView): void {
    const b = { ...this.base, agentId: this.input.agentId, stepId: step.stepId };
    if (step.budgetExceeded) {
      const r = reason('BUDGET_EXCEEDED', 'budget `b1` (task cost_usd per task, limit 1) would be exceeded');
      this.governance('reserveBudget', { ...b, tool: step.tool }, { ok: false, reason: r });
      Object.assign(v, { state: 'DENIED', decision: 'DENY' });
      v.reasons.push(r);
      return this.record(v);
    }
    const key = `${this.spec.taskId}/${step.stepId}`;
    this.governance('reserveBudget', { ...b, tool: step.tool }, { ok: true, reservationKey: key });
    const usage = { costUsd: 0.01, tokens: 120, wallTimeMs: 40 };
    const run = step.toolFails
      ? { ok: false, resultDigest: '', error: { code: 'TOOL_ERROR', message: 'upstream returned 500' }, usage }
      : { ok: true, resultDigest: digestJson({ result: step.stepId }), result: { result: step.stepId }, usage };
    const call = { ...b, planVersion: this.planVersion };
    if (step.toolExhausted) {
      const failure = 'tool host unreachable';
      if (this.spec.quickTools) this.h.localActivity('executeQuickTool', undefined, { attempt: step.attempts ?? 5, fail: failure });
      else this.h.activity('executeTool', call, undefined, { attempt: step.attempts ?? 5, fail: failure, durationMs: 40, tool: true });
      this.governance('settleBudget', { ...this.base, reservationKey: key, usage: null });
      Object.assign(v, { executed: false, state: 'FAILED', error: { code: 'TOOL_UNAVAILABLE', message: failure } });
      return this.record(v);
    }
    if (this.spec.quickTools) this.h.localActivity('executeQuickTool', { input: call, output: run }, { attempt: step.attempts ?? 1 });
    else this.h.activity('executeTool', call, run, { attempt: step.attempts ?? 1, durationMs: 40, tool: true });
    this.governance('settleBudget', { ...this.base, reservationKey: key, usage: run.ok ? usage : null });
    Object.assign(v, { executed: run.ok, state: run.ok ? 'EXECUTED' : 'FAILED', ...(run.ok ? { resultDigest: run.resultDigest } : { error: run.error }) });
    this.record(v);
  }
}

/** The history of one governed task as specified (approvals, denials, budget, tool failure, retries). */
export function governedHistory(spec: TaskSpec): { events: Array<Record<string, unknown>> } {
  const tenant = spec.tenant ?? 'demo';
  const agentId = spec.agentId ?? 'agent-1';
  const plan: ExecutionPlan = { planId: `plan-${spec.taskId}`, goal: spec.goal ?? 'tidy the notes', steps: spec.steps.map((s) => ({ stepId: s.stepId, tool: s.tool, args: s.args, dependsOn: s.dependsOn ?? [], provenance: s.provenance ?? { path: { source: 'user', trust: 'trusted', derivedFrom: [] } } })) };
  const input: GovernedTaskInput = {
    taskId: spec.taskId, tenant, agentId, credential: { id: 'cred-1', keyId: 'kid-1', capabilities: ['files:read', 'files:write', 'email:send'], actingFor: spec.actingFor ?? ['alice@demo.test'], expiresAt: '2027-01-01T00:00:00.000Z' },
    submittedBy: { kind: 'agent', id: agentId }, goal: plan.goal, source: { format: 'native', payload: plan }, approvalTimeoutMs: 60_000, submittedAt: spec.start ?? '2026-11-20T10:00:00.000Z',
  };
  const planVersion = digestJson(plan);
  const sim = new Sim(spec, input, plan, planVersion);
  sim.h.started(input);
  sim.governance('extractPlan', { taskId: spec.taskId, tenant, goal: plan.goal, source: input.source }, { ok: true, plan, planVersion });
  const identity: AgentIdentity = { agentId, tenant, capabilities: input.credential.capabilities, actingFor: input.credential.actingFor, credentialId: 'cred-1', keyId: 'kid-1', expiresAt: '2027-01-01T00:00:00.000Z' };
  sim.governance('authenticateAgent', { taskId: spec.taskId, tenant, agentId, credential: input.credential }, { ok: true, identity });
  for (const s of plan.steps) sim.views.set(s.stepId, { stepId: s.stepId, tool: s.tool, dependsOn: s.dependsOn, state: 'PENDING', reasons: [], determiningPolicies: [], executed: false });
  for (const s of spec.steps) sim.run(s, identity);
  const steps = [...sim.views.values()];
  const outcome = taskOutcome(steps);
  const view: TaskView = { taskId: spec.taskId, tenant, agentId, status: outcome, outcome, planId: plan.planId, planVersion, steps, reasons: [], ...(riskLevelOf(steps) ? { riskLevel: riskLevelOf(steps)! } : {}) };
  sim.h.upsertSearchAttributes();
  sim.governance('recordOutcome', { taskId: spec.taskId, tenant, view });
  sim.h.completed(view);
  return sim.h.build();
}

/** The four canonical scenarios: allowed, denied + skipped, approval approved, approval expired. */
export const SCENARIOS: Record<string, TaskSpec> = {
  allowed: { taskId: 'task-allowed', steps: [{ stepId: 'read', tool: 'read_file', args: { path: 'notes/a.txt' }, verdict: 'ALLOW' }, { stepId: 'write', tool: 'write_file', args: { path: 'notes/b.txt', content: 'x' }, dependsOn: ['read'], verdict: 'ALLOW', attempts: 2 }] },
  deniedSkipped: { taskId: 'task-denied', steps: [{ stepId: 'escape', tool: 'read_file', args: { path: '../../etc/passwd' }, verdict: 'DENY' }, { stepId: 'send', tool: 'send_email', args: { to: 'x@evil.test' }, dependsOn: ['escape'], verdict: 'ALLOW' }] },
  approved: { taskId: 'task-approved', steps: [{ stepId: 'mail', tool: 'send_email', args: { to: 'carol@partner.test', body: 'hi' }, verdict: { approval: 'APPROVE' }, provenance: { body: { source: 'retrieval:web', trust: 'untrusted', derivedFrom: [] } } }] },
  expired: { taskId: 'task-expired', steps: [{ stepId: 'mail', tool: 'send_email', args: { to: 'carol@partner.test', body: 'hi' }, verdict: { approval: 'EXPIRE' } }] },
};
