/**
 * @module The governed path for one agent task. Deterministic and thin: it sequences activities,
 * waits for approval signals, and holds state for the `status` query. Every decision, clock read and
 * I/O lives in activities (activities/), which record audit events.
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { DecisionReason, ExecutionPlan, PlanStep, StepAssessment } from '../governance/types.js';
import type { ApprovalDecisionSignal, GovernedTaskActivities, GovernedTaskInput, QuickToolActivity, RecordedActivities, StepView, TaskOutcome, TaskView, ToolResultSignal, ToolRunResult } from './contract.js';
import { approvalDecisionSignal, cancelSignal, DEFAULT_RESULT_TIMEOUT_MS, GOVERNANCE_ACTIVITIES, QUICK_TOOLS, statusQuery, toolResultSignal } from './messages.js';
import { LocalLane } from './local-lane.js';
import { riskLevelOf, taskOutcome } from './outcome.js';

// why local activities: the governance steps are short, idempotent and bound to the database; run
// in the worker between workflow task completions, they cost no server round trip each (a one-step
// task needs two workflow tasks instead of nine). Each is still retried and recorded (as a marker).
const local = proxyLocalActivities<RecordedActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 20 },
});
// why: a tool acts on the world; its activity is idempotent per task step, but a stuck tool must
// not be retried forever, and a business failure comes back as a value, not as a retry.
const TOOL_RETRY = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 } as const;
const tools = proxyActivities<Pick<GovernedTaskActivities, 'executeTool'>>({
  startToCloseTimeout: '2m',
  // why: a worker that dies mid-tool is noticed within seconds, not after the full start-to-close.
  heartbeatTimeout: '10s',
  retry: TOOL_RETRY,
});
// why: see QUICK_TOOLS. A worker that dies mid-tool loses its workflow task, which the next worker
// runs again from the last completed one; the tool_executions claim keeps the tool from acting twice.
const quickTools = proxyLocalActivities<QuickToolActivity>({ startToCloseTimeout: '30s', retry: TOOL_RETRY });

/**
 * Independent governance calls are asked for together: extractPlan with authenticateAgent, and after
 * a tool ran, settleBudget with recordStep. Histories recorded before the change (no marker) replay
 * the one-after-the-other order. Under LOCAL_ACTIVITIES_IN_ORDER_PATCH (every new run) the lane still
 * runs each pair one call after the other; only histories recorded between the two patches ran them
 * side by side.
 */
export const PARALLEL_GOVERNANCE_PATCH = 'parallel-governance-1';

/**
 * Local activities run one at a time, in the order the workflow asks for them, and quick built-in
 * tools (QUICK_TOOLS) run as a local activity instead of an ordinary one. why one at a time: the
 * SDK's core (1.24) records local activities that overlap in the order they finish but replays them
 * in the order they were scheduled, so two that finish out of order make the history fail to replay
 * (a nondeterminism error after a worker restart, a false drift in the determinism check). Histories
 * recorded before the change (no marker) replay as they ran.
 */
export const LOCAL_ACTIVITIES_IN_ORDER_PATCH = 'local-activities-in-order-1';

export async function governedTask(input: GovernedTaskInput): Promise<TaskView> {
  const view: TaskView = { taskId: input.taskId, tenant: input.tenant, agentId: input.agentId, status: 'RUNNING', steps: [], reasons: [] };
  const decisions = new Map<string, ApprovalDecisionSignal>();
  const results = new Map<string, ToolResultSignal>();
  let cancelRequested: string | undefined;

  setHandler(statusQuery, () => view);
  setHandler(approvalDecisionSignal, (d) => {
    if (!decisions.has(d.approvalId)) decisions.set(d.approvalId, d);
  });
  // why first wins: the API records a result once; a repeated signal (a retried mutation) changes nothing.
  setHandler(toolResultSignal, (r) => {
    if (!results.has(r.stepId)) results.set(r.stepId, r);
  });
  setHandler(cancelSignal, (c) => {
    cancelRequested ??= c.reason || 'cancelled';
  });

  // why first: every local activity of a new run goes through the lane, from the first one on.
  const inOrder = patched(LOCAL_ACTIVITIES_IN_ORDER_PATCH);
  const act = governanceCalls(inOrder ? new LocalLane() : undefined);

  const finish = async (outcome: TaskOutcome, reasons: DecisionReason[] = []): Promise<TaskView> => {
    view.status = outcome;
    view.outcome = outcome;
    view.reasons.push(...reasons);
    view.riskLevel = riskLevelOf(view.steps);
    upsertSearchAttributes({ Outcome: [outcome], RiskLevel: [view.riskLevel ?? 'low'] });
    // why: the outcome must be recorded even when the workflow itself was cancelled.
    await CancellationScope.nonCancellable(() => act.recordOutcome({ taskId: input.taskId, tenant: input.tenant, view }));
    return view;
  };

  try {
    const extract = () => act.extractPlan({ taskId: input.taskId, tenant: input.tenant, goal: input.goal, source: input.source });
    const authenticate = () => act.authenticateAgent({ taskId: input.taskId, tenant: input.tenant, agentId: input.agentId, credential: input.credential });
    const parallel = patched(PARALLEL_GOVERNANCE_PATCH);
    const both = parallel ? Promise.all([extract(), authenticate()]) : undefined;
    const extracted = both ? (await both)[0] : await extract();
    if (!extracted.ok) return await finish('BLOCKED', [extracted.reason]);
    const { plan, planVersion } = extracted;
    view.planId = plan.planId;
    view.planVersion = planVersion;
    view.steps = plan.steps.map(initialStepView);

    const auth = both ? (await both)[1] : await authenticate();
    if (!auth.ok) {
      for (const s of view.steps) markSkipped(s, auth.reason);
      return await finish('BLOCKED', [auth.reason]);
    }

    const runner = new StepRunner(input, plan, planVersion, auth.identity, view, { decisions, results }, () => cancelRequested, act, parallel);
    await runner.runAll();
    if (cancelRequested !== undefined) return await finish('CANCELLED', [{ code: 'CANCELLED', message: cancelRequested }]);
    return await finish(taskOutcome(view.steps));
  } catch (err) {
    if (isCancellation(err)) {
      for (const s of view.steps) if (!isTerminal(s)) s.state = 'CANCELLED';
      return await finish('CANCELLED', [{ code: 'CANCELLED', message: 'the workflow was cancelled' }]);
    }
    throw err;
  }
}

/** Runs the steps of a plan as a DAG: each step starts when its dependencies have settled. */
class StepRunner {
  private readonly settled = new Map<string, Promise<StepView>>();

  constructor(
    private readonly input: GovernedTaskInput,
    private readonly plan: ExecutionPlan,
    private readonly planVersion: string,
    private readonly identity: Parameters<GovernedTaskActivities['assessStep']>[0]['identity'],
    private readonly view: TaskView,
    private readonly inbox: { decisions: Map<string, ApprovalDecisionSignal>; results: Map<string, ToolResultSignal> },
    private readonly cancelled: () => string | undefined,
    private readonly act: GovernanceCalls,
    private readonly parallel: boolean,
  ) {}

  private get decisions(): Map<string, ApprovalDecisionSignal> {
    return this.inbox.decisions;
  }

  async runAll(): Promise<void> {
    for (const step of this.plan.steps) this.settle(step);
    // why: allSettled, so that a cancellation in one lane never leaves another lane's rejection unhandled.
    const results = await Promise.allSettled([...this.settled.values()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private settle(step: PlanStep): Promise<StepView> {
    const existing = this.settled.get(step.stepId);
    if (existing) return existing;
    const deps = step.dependsOn.map((id) => this.settle(this.plan.steps.find((s) => s.stepId === id)!));
    const p = Promise.all(deps).then((done) => this.runStep(step, done));
    this.settled.set(step.stepId, p);
    return p;
  }

  private async runStep(step: PlanStep, deps: StepView[]): Promise<StepView> {
    const v = this.view.steps.find((s) => s.stepId === step.stepId)!;
    const blocked = deps.find((d) => d.state !== 'EXECUTED');
    if (blocked) {
      markSkipped(v, { code: 'DEPENDENCY_NOT_EXECUTED', message: `depends on step \`${blocked.stepId}\`, which was not executed (${blocked.state.toLowerCase()})` });
      return this.record(v);
    }
    if (this.cancelled() !== undefined) return this.cancelStep(v);

    v.state = 'ASSESSING';
    const assessment = await this.act.assessStep({ taskId: this.input.taskId, tenant: this.input.tenant, planVersion: this.planVersion, stepId: step.stepId, identity: this.identity });
    applyAssessment(v, assessment);
    if (assessment.decision === 'DENY') {
      v.state = 'DENIED';
      return this.record(v);
    }
    if (assessment.decision === 'REQUIRE_APPROVAL' && !(await this.awaitApproval(v, assessment))) return this.record(v);
    if (this.cancelled() !== undefined) return this.cancelStep(v);
    return this.execute(v, assessment.inputs?.toolDigest);
  }

  /** Opens a bound approval and waits for a decision, a cancellation or the expiry. True when approved. */
  private async awaitApproval(v: StepView, assessment: StepAssessment): Promise<boolean> {
    v.state = 'AWAITING_APPROVAL';
    this.refreshStatus();
    await this.record(v);
    const ticket = await this.act.requestApproval({
      taskId: this.input.taskId, tenant: this.input.tenant, stepId: v.stepId, tool: v.tool, argsDigest: assessment.argsDigest,
      planVersion: this.planVersion, assessment, submittedBy: this.input.submittedBy, actingFor: this.identity.actingFor,
      timeoutMs: this.input.approvalTimeoutMs,
    });
    // why no patch: histories from before carry no `refused`, so they take the path they took
    if (ticket.refused) {
      v.state = 'DENIED';
      v.decision = 'DENY';
      v.reasons.push(ticket.refused);
      this.refreshStatus(v);
      return false;
    }
    v.approval = { approvalId: ticket.approvalId, status: 'PENDING', expiresAt: ticket.expiresAt };
    const arrived = await condition(() => this.decisions.has(ticket.approvalId) || this.cancelled() !== undefined, this.input.approvalTimeoutMs);
    let decision = this.decisions.get(ticket.approvalId);
    if (!decision && !arrived) {
      const expired = await this.act.expireApproval({ taskId: this.input.taskId, tenant: this.input.tenant, approvalId: ticket.approvalId });
      if (expired.status === 'DECIDED') decision = expired.decision;
    }
    this.refreshStatus(v);
    if (!decision) {
      const cancelled = this.cancelled() !== undefined && arrived;
      v.approval.status = cancelled ? 'CANCELLED' : 'EXPIRED';
      v.state = cancelled ? 'CANCELLED' : 'DENIED';
      v.decision = 'DENY';
      v.reasons.push(cancelled
        ? { code: 'CANCELLED', message: 'the task was cancelled while the step awaited approval' }
        : { code: 'APPROVAL_EXPIRED', message: `no decision before the approval expired at ${ticket.expiresAt}` });
      return false;
    }
    v.approval.status = decision.decision === 'APPROVE' ? 'APPROVED' : 'DENIED';
    v.approval.decidedBy = decision.decidedBy;
    if (decision.decision === 'DENY') {
      v.state = 'DENIED';
      v.decision = 'DENY';
      v.reasons.push({ code: 'APPROVAL_DENIED', message: `denied by \`${decision.decidedBy}\`: ${decision.reason}` });
      return false;
    }
    v.reasons.push({ code: 'APPROVED', message: `approved by \`${decision.decidedBy}\`${decision.reason ? `: ${decision.reason}` : ''}` });
    return true;
  }

  private async execute(v: StepView, toolDigest: string | undefined): Promise<StepView> {
    const base = { taskId: this.input.taskId, tenant: this.input.tenant, agentId: this.input.agentId, stepId: v.stepId };
    const reservation = await this.act.reserveBudget({ ...base, tool: v.tool });
    if (!reservation.ok) {
      v.state = 'DENIED';
      v.decision = 'DENY';
      v.reasons.push(reservation.reason);
      return this.record(v);
    }
    const { run, settled } = this.input.executor === 'caller'
      ? { run: await this.awaitCallerResult(v, reservation.reservationKey), settled: Promise.resolve() }
      : await this.runOnWorker(v, reservation.reservationKey, toolDigest);
    v.executed = run.ok;
    v.resultDigest = run.resultDigest || undefined;
    v.state = run.ok ? 'EXECUTED' : 'FAILED';
    if (run.error) v.error = run.error;
    await Promise.all([settled, this.record(v)]);
    return v;
  }

  /**
   * The worker runs the tool (an ordinary activity: heartbeats, its own retries) and settles the budget.
   * `settled` resolves once the budget is settled: under the parallel patch the caller awaits it
   * together with recording the step.
   */
  private async runOnWorker(v: StepView, reservationKey: string, toolDigest: string | undefined): Promise<{ run: ToolRunResult; settled: Promise<unknown> }> {
    const base = { taskId: this.input.taskId, tenant: this.input.tenant, agentId: this.input.agentId, stepId: v.stepId };
    const settle = (usage: ToolRunResult['usage'] | null) => this.act.settleBudget({ taskId: this.input.taskId, tenant: this.input.tenant, reservationKey, usage });
    v.state = 'EXECUTING';
    let settled: Promise<unknown> = Promise.resolve();
    // why: once a tool has started, its budget must be settled even if the task is cancelled meanwhile.
    const run = await CancellationScope.nonCancellable(async () => {
      try {
        const call = { ...base, planVersion: this.planVersion, ...(toolDigest ? { toolDigest } : {}) };
        const quick = this.act.executeQuickTool && QUICK_TOOLS.includes(v.tool) ? this.act.executeQuickTool : undefined;
        const r = quick ? await quick(call) : await tools.executeTool(call);
        // why the fallback: as before the patch, a settlement that cannot be made releases the reservation instead.
        if (this.parallel) settled = settle(r.ok ? r.usage : null).catch(() => settle(null));
        else await settle(r.ok ? r.usage : null);
        return r;
      } catch (err) {
        await settle(null);
        throw err;
      }
    }).catch((err: unknown) => ({ ok: false as const, resultDigest: '', error: { code: 'TOOL_UNAVAILABLE', message: errorMessage(err) }, usage: { costUsd: 0, tokens: 0, wallTimeMs: 0 } }));
    return { run, settled };
  }

  /**
   * The caller runs the tool: the step is recorded READY (what the caller waits for), then the workflow
   * waits for the result the API recorded, a cancellation, or the timeout, and settles the budget.
   */
  private async awaitCallerResult(v: StepView, reservationKey: string): Promise<ToolRunResult> {
    v.state = 'READY';
    await this.record(v);
    const timeoutMs = this.input.resultTimeoutMs ?? DEFAULT_RESULT_TIMEOUT_MS;
    await condition(() => this.inbox.results.has(v.stepId) || this.cancelled() !== undefined, timeoutMs);
    const reported = this.inbox.results.get(v.stepId);
    await CancellationScope.nonCancellable(() => this.act.settleBudget({ taskId: this.input.taskId, tenant: this.input.tenant, reservationKey, usage: reported?.ok ? reported.usage : null }));
    if (reported) return { ok: reported.ok, resultDigest: reported.resultDigest, ...(reported.error ? { error: reported.error } : {}), usage: reported.usage };
    const error = this.cancelled() !== undefined
      ? { code: 'CANCELLED', message: 'the task was cancelled before the caller reported the result' }
      : { code: 'RESULT_TIMEOUT', message: `the caller did not report the tool's result within ${Math.round(timeoutMs / 1000)} s` };
    return { ok: false, resultDigest: '', error, usage: { costUsd: 0, tokens: 0, wallTimeMs: 0 } };
  }

  private cancelStep(v: StepView): Promise<StepView> {
    v.state = 'CANCELLED';
    v.reasons.push({ code: 'CANCELLED', message: `the task was cancelled: ${this.cancelled()}` });
    return this.record(v);
  }

  private async record(v: StepView): Promise<StepView> {
    await CancellationScope.nonCancellable(() => this.act.recordStep({ taskId: this.input.taskId, tenant: this.input.tenant, view: v }));
    return v;
  }

  private refreshStatus(_changed?: StepView): void {
    const waiting = this.view.steps.some((s) => s.state === 'AWAITING_APPROVAL');
    this.view.status = waiting ? 'AWAITING_APPROVAL' : 'RUNNING';
  }
}

function initialStepView(step: PlanStep): StepView {
  return { stepId: step.stepId, tool: step.tool, dependsOn: step.dependsOn, state: 'PENDING', reasons: [], determiningPolicies: [], executed: false };
}

function applyAssessment(v: StepView, a: StepAssessment): void {
  v.decision = a.decision;
  v.reasons = [...a.reasons];
  v.determiningPolicies = a.determiningPolicies;
  v.risk = a.risk;
}

function markSkipped(v: StepView, reason: DecisionReason): void {
  v.state = 'SKIPPED';
  v.reasons.push(reason);
}

function isTerminal(v: StepView): boolean {
  return ['EXECUTED', 'DENIED', 'SKIPPED', 'FAILED', 'CANCELLED'].includes(v.state);
}

function errorMessage(err: unknown): string {
  if (err instanceof ApplicationFailure || err instanceof Error) return err.message;
  return String(err);
}

/** The local activities as the workflow uses them: each call answers its output. */
type GovernanceCalls = Omit<GovernedTaskActivities, 'executeTool'> & {
  /** Present when quick tools run as a local activity (LOCAL_ACTIVITIES_IN_ORDER_PATCH). */
  executeQuickTool?: GovernedTaskActivities['executeTool'];
};

/** Without a lane, calls start at once (histories recorded before LOCAL_ACTIVITIES_IN_ORDER_PATCH). */
function governanceCalls(lane: LocalLane | undefined): GovernanceCalls {
  // why the copy: a queued call must send what it was asked with, even if the caller's view changes meanwhile.
  const start = <I, T>(input: I, call: (input: I) => Promise<T>): Promise<T> => {
    if (!lane) return call(input);
    const asked = JSON.parse(JSON.stringify(input)) as I;
    return lane.run(() => call(asked));
  };
  const calls = {} as Record<string, (input: unknown) => Promise<unknown>>;
  for (const name of GOVERNANCE_ACTIVITIES) {
    const run = local[name] as (input: unknown) => Promise<{ output: unknown }>;
    calls[name] = (input) => start(input, async (asked) => (await run(asked)).output);
  }
  const governance = calls as unknown as GovernanceCalls;
  if (lane) governance.executeQuickTool = (input) => start(input, async (asked) => (await quickTools.executeQuickTool(asked)).output);
  return governance;
}
