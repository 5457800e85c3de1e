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
  riskLevel: RiskLevel | null;
  createdAt: string;
  completedAt: string | null;
  steps: { stepId: string; tool: string }[];
}

export interface Task extends Omit<TaskSummary, 'steps'> {
  tenant: string;
  submittedBy: string;
  planId: string | null;
  planVersion: string | null;
  reasons: Reason[];
  steps: Step[];
}

export interface Approval {
  id: string;
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
