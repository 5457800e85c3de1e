/** @module The shapes the screens read, mirroring schema.graphql (only the fields the UI selects). */

export type Role = 'AGENT' | 'APPROVER' | 'INVESTIGATOR' | 'ADMIN';
export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type TaskStatus = 'RUNNING' | 'AWAITING_APPROVAL' | 'COMPLETED' | 'PARTIALLY_BLOCKED' | 'BLOCKED' | 'FAILED' | 'CANCELLED';
export type Decision = 'ALLOW' | 'DENY' | 'REQUIRE_APPROVAL';
export type StepState = 'PENDING' | 'ASSESSING' | 'AWAITING_APPROVAL' | 'EXECUTING' | 'EXECUTED' | 'DENIED' | 'SKIPPED' | 'FAILED' | 'CANCELLED';
export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'DENIED' | 'EXPIRED' | 'CANCELLED';

export const TASK_STATUSES: TaskStatus[] = ['RUNNING', 'AWAITING_APPROVAL', 'COMPLETED', 'PARTIALLY_BLOCKED', 'BLOCKED', 'FAILED', 'CANCELLED'];
export const RISK_LEVELS: RiskLevel[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

export interface Viewer {
  id: string;
  kind: 'AGENT' | 'USER';
  roles: Role[];
  tenant: string | null;
  platformAdmin: boolean;
  agentId: string | null;
}

export interface Reason { code: string; message: string; policyId: string | null }
export interface RiskFactor { code: string; weight: number; explanation: string }
export interface Risk { score: number; level: RiskLevel; factors: RiskFactor[] }

export interface Step {
  stepId: string;
  tool: string;
  args: unknown;
  dependsOn: string[];
  state: StepState;
  decision: Decision | null;
  reasons: Reason[];
  determiningPolicies: string[];
  risk: Risk | null;
  approval: { id: string; status: ApprovalStatus; expiresAt: string; decidedBy: string | null } | null;
  executed: boolean;
  result: unknown;
  error: { code: string; message: string } | null;
}

export interface TaskSummary {
  id: string;
  status: TaskStatus;
  outcome: string | null;
  goal: string;
  agentId: string;
  tenant: string;
  riskLevel: RiskLevel | null;
  createdAt: string;
  completedAt: string | null;
  steps: { stepId: string; tool: string }[];
}

export interface Task extends Omit<TaskSummary, 'steps'> {
  submittedBy: string;
  planId: string | null;
  planVersion: string | null;
  reasons: Reason[];
  steps: Step[];
  budget: Budget[];
}

export interface Approval {
  id: string;
  tenant: string;
  stepId: string;
  tool: string;
  args: unknown;
  argsDigest: string;
  binding: string;
  risk: Risk | null;
  policyIds: string[];
  reasons: Reason[];
  status: ApprovalStatus;
  requestedAt: string;
  expiresAt: string;
  canDecide: boolean;
  whyNot: string | null;
  task: { id: string; goal: string; agentId: string; submittedBy: string } | null;
}

export interface PolicySet {
  version: string;
  tenant: string;
  description: string | null;
  cedar: string;
  active: boolean;
  createdBy: string;
  createdAt: string;
}

export interface PolicyValidationError { message: string; line: number | null; column: number | null; policyId: string | null }

export interface Agent { id: string; name: string }

export interface BudgetUsage { windowKey: string; subject: string; used: number; reserved: number }
export interface Budget { id: string; scope: string; scopeId: string | null; metric: string; window: string; limit: number; usage: BudgetUsage[] }

/** One entry of `replay(taskId){timeline}` (replay/reconstruct TimelineEntry). */
export interface TimelineEntry {
  id: string;
  at?: string;
  kind: string;
  stepId?: string;
  actor: { kind: string; id: string };
  summary: string;
  data: Record<string, unknown>;
  eventIds: number[];
}

/** `replay(taskId){graph(format: JSON)}`, parsed: provenance sources, steps, decisions, approvals, executions, outcome. */
export interface ReplayGraph {
  nodes: { id: string; kind: string; label: string; data: Record<string, unknown> }[];
  edges: { from: string; to: string; kind: string }[];
}

export interface Replay {
  taskId: string;
  historyDigest: string;
  summary: Record<string, unknown>;
  timeline: TimelineEntry[];
  graph: string;
}

/** The JSON inside `replayDiff{diff}` (replay/diff ReplayDiff), read defensively: only the fields the screen shows. */
export interface StepRef { stepId: string; tool: string; index: number }
export interface ValueChange { path: string; op: 'added' | 'removed' | 'changed'; left?: unknown; right?: unknown }
export interface DecisionSide { decision?: Decision; reasons: Reason[]; determiningPolicies: string[] }
export interface StepChange {
  left: StepRef;
  right: StepRef;
  alignedBy: string;
  tool?: { left: string; right: string };
  args: ValueChange[];
  dependsOn?: { left: string[]; right: string[] };
  decision?: { left: DecisionSide; right: DecisionSide };
  state?: { left: string; right: string };
  approval?: { left?: string; right?: string; leftBy?: string; rightBy?: string };
  execution?: { left?: string; right?: string };
  risk?: { left?: { score: number; level: string }; right?: { score: number; level: string } };
}
export interface ReplayDiffJson {
  added: StepRef[];
  removed: StepRef[];
  changed: StepChange[];
  unchanged: { left: StepRef; right: StepRef }[];
  outcome?: { left?: string; right?: string };
  summary: { added: number; removed: number; changed: number; unchanged: number; decisionChanges: number; argumentChanges: number; outcomeChanged: boolean };
}
export interface ReplayDiffResult { left: string; right: string; summary: Record<string, unknown>; diff: ReplayDiffJson; markdown: string }

export interface WhatIfSide { decision: Decision; reasons: Reason[]; determiningPolicies: string[]; policySetVersion: string; risk: { score: number; level: string } }
export interface WhatIfStep { stepId: string; tool: string; old?: WhatIfSide; new?: WhatIfSide; changed: boolean; policiesChanged?: boolean; skipped?: { code: string; message: string } }
export interface WhatIfResult { taskId: string; policy: unknown; changed: number; diff: unknown; markdown: string; steps: WhatIfStep[] }

export interface DriftExample { taskId?: string; stepId: string; tool: string; old: Decision; new: Decision }
export interface DriftGroup { policyId: string; count: number; transitions: Record<string, number>; examples: DriftExample[] }
export interface DriftReport { tasksEvaluated: number; decisionsEvaluated: number; changed: number; groups: DriftGroup[]; report: unknown }

export interface EvidenceExport { taskId: string; bundle: string; digest: string; signature: string; keyId: string; summaryMarkdown: string }
export interface EvidenceFailure { code: string; part: string | null; eventIndex: number | null; message: string }
export interface EvidenceVerification { valid: boolean; keyId: string | null; failures: EvidenceFailure[] }
