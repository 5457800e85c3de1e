/**
 * @module The contract between the governed-task workflow, its activities and the API: plain JSON
 * types only (they cross Temporal's data converter and are recorded in history), no runtime code.
 */
import type { AgentIdentity, Decision, DecisionReason, ExecutionPlan, PlanFormat, RiskAssessment, StepAssessment } from '../governance/types.js';

export type TaskStatus = 'RUNNING' | 'AWAITING_APPROVAL' | 'COMPLETED' | 'PARTIALLY_BLOCKED' | 'BLOCKED' | 'FAILED' | 'CANCELLED';
export type TaskOutcome = Exclude<TaskStatus, 'RUNNING' | 'AWAITING_APPROVAL'>;
/** READY: allowed, budget reserved, waiting for the caller to run the tool and report its result (caller-executed tasks). */
export type StepState = 'PENDING' | 'ASSESSING' | 'AWAITING_APPROVAL' | 'READY' | 'EXECUTING' | 'EXECUTED' | 'DENIED' | 'SKIPPED' | 'FAILED' | 'CANCELLED';

/**
 * Who runs an allowed step's tool: the worker (built-in and registered tools), or the caller that
 * submitted the task (the MCP proxy in durable mode, which holds the upstream connection) and then
 * reports the result with `reportToolResult`.
 */
export type Executor = 'worker' | 'caller';

export interface Principal {
  kind: 'agent' | 'user' | 'system';
  id: string;
}

/** Input of one governed task. Holds no secret: the agent's credential is verified by the API and referenced by id. */
export interface GovernedTaskInput {
  taskId: string;
  tenant: string;
  agentId: string;
  /** The verified claims of the credential the agent presented (never the token itself). */
  credential: CredentialRef;
  submittedBy: Principal;
  goal: string;
  source: { format: PlanFormat; payload: unknown };
  approvalTimeoutMs: number;
  submittedAt: string;
  /** Absent means `worker` (tasks started before callers could execute). */
  executor?: Executor;
  /** How long a caller-executed step waits for its result before it fails. */
  resultTimeoutMs?: number;
}

/**
 * What the API verified about the agent's credential. authenticateAgent re-checks the credential
 * (revocation, expiry, agent status) and narrows capabilities to what the agent still holds.
 */
export interface CredentialRef {
  /** `jti` */
  id: string;
  keyId: string;
  capabilities: string[];
  actingFor: string[];
  expiresAt: string;
}

export interface ApprovalTicket {
  approvalId: string;
  expiresAt: string;
  binding: string;
  /** Set when no approval was opened because the submitter already has too many waiting: the step is denied with it. */
  refused?: DecisionReason;
}

/** What the API signals after it has recorded a decision atomically in the database. */
export interface ApprovalDecisionSignal {
  approvalId: string;
  decision: 'APPROVE' | 'DENY';
  decidedBy: string;
  reason: string;
}

/** What the API signals after it has recorded a caller-reported tool result in the database. */
export interface ToolResultSignal {
  stepId: string;
  ok: boolean;
  resultDigest: string;
  error?: { code: string; message: string };
  usage: { costUsd: number; tokens: number; wallTimeMs: number };
  reportedBy: string;
}

export interface CancelSignal {
  reason: string;
  requestedBy: string;
}

export interface ToolRunResult {
  ok: boolean;
  /** Digest of the canonical result, recorded for replay without re-running the tool. */
  resultDigest: string;
  result?: unknown;
  error?: { code: string; message: string };
  usage: { costUsd: number; tokens: number; wallTimeMs: number };
}

export type BudgetReservation =
  | { ok: true; reservationKey: string }
  | { ok: false; reason: DecisionReason };

export interface StepView {
  stepId: string;
  tool: string;
  dependsOn: string[];
  state: StepState;
  decision?: Decision;
  reasons: DecisionReason[];
  determiningPolicies: string[];
  risk?: RiskAssessment;
  approval?: { approvalId: string; status: 'PENDING' | 'APPROVED' | 'DENIED' | 'EXPIRED' | 'CANCELLED'; expiresAt: string; decidedBy?: string };
  executed: boolean;
  resultDigest?: string;
  error?: { code: string; message: string };
}

/** The `status` query's answer, and the workflow's result. */
export interface TaskView {
  taskId: string;
  tenant: string;
  agentId: string;
  status: TaskStatus;
  outcome?: TaskOutcome;
  planId?: string;
  planVersion?: string;
  steps: StepView[];
  reasons: DecisionReason[];
  riskLevel?: RiskAssessment['level'];
}

/** Activities the workflow calls; implemented in activities/ by createActivities(deps). */
export interface GovernedTaskActivities {
  extractPlan(input: { taskId: string; tenant: string; goal: string; source: GovernedTaskInput['source'] }): Promise<
    { ok: true; plan: ExecutionPlan; planVersion: string } | { ok: false; reason: DecisionReason }
  >;
  authenticateAgent(input: { taskId: string; tenant: string; agentId: string; credential: CredentialRef }): Promise<
    { ok: true; identity: AgentIdentity } | { ok: false; reason: DecisionReason }
  >;
  /**
   * The plan is loaded from the task record by `planVersion` (recorded by extractPlan), not passed in:
   * passing it to every step would make history grow with the square of the plan's size.
   */
  assessStep(input: { taskId: string; tenant: string; planVersion: string; stepId: string; identity: AgentIdentity }): Promise<StepAssessment>;
  requestApproval(input: { taskId: string; tenant: string; stepId: string; tool: string; argsDigest: string; planVersion: string; assessment: StepAssessment; submittedBy: Principal; actingFor: string[]; timeoutMs: number }): Promise<ApprovalTicket>;
  /** Marks a pending approval expired; returns the decision instead if one was recorded first. */
  expireApproval(input: { taskId: string; tenant: string; approvalId: string }): Promise<{ status: 'EXPIRED' } | { status: 'DECIDED'; decision: ApprovalDecisionSignal }>;
  reserveBudget(input: { taskId: string; tenant: string; agentId: string; stepId: string; tool: string }): Promise<BudgetReservation>;
  /**
   * `toolDigest`: the digest of the tool definition the step was assessed (and approved) with; a tool
   * whose definition changed since is not run (absent in histories recorded before it was passed).
   */
  executeTool(input: { taskId: string; tenant: string; agentId: string; stepId: string; planVersion: string; toolDigest?: string }): Promise<ToolRunResult>;
  settleBudget(input: { taskId: string; tenant: string; reservationKey: string; usage: ToolRunResult['usage'] | null }): Promise<void>;
  recordStep(input: { taskId: string; tenant: string; view: StepView }): Promise<void>;
  recordOutcome(input: { taskId: string; tenant: string; view: TaskView }): Promise<void>;
}

/** The governance activities: short, idempotent, database-bound; the workflow runs them as local activities. */
export type GovernanceActivityName = Exclude<keyof GovernedTaskActivities, 'executeTool'>;

type InputOf<K extends keyof GovernedTaskActivities> = Parameters<GovernedTaskActivities[K]>[0];
type OutputOf<K extends keyof GovernedTaskActivities> = Awaited<ReturnType<GovernedTaskActivities[K]>>;

/**
 * A governance activity as the worker registers it: its result carries its input. why: Temporal
 * records a local activity as a marker holding only the result, and the history must stay a complete
 * replay source (replay/ reads what each call was asked as well as what it answered).
 */
export type RecordedActivities = {
  [K in GovernanceActivityName]: (input: InputOf<K>) => Promise<{ input: InputOf<K>; output: OutputOf<K> }>;
};

/**
 * The tool activity in its recorded form, for tools the workflow runs as a local activity (QUICK_TOOLS):
 * the same work as executeTool, its result carrying its input for the same reason as RecordedActivities.
 */
export interface QuickToolActivity {
  executeQuickTool(input: InputOf<'executeTool'>): Promise<{ input: InputOf<'executeTool'>; output: ToolRunResult }>;
}

/** Everything the worker registers: the recorded governance activities and the tool activity in both forms. */
export type WorkerActivities = RecordedActivities & Pick<GovernedTaskActivities, 'executeTool'> & QuickToolActivity;
