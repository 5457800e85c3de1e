/**
 * @module The values resolvers return, shaped like the GraphQL types of schema.graphql (enum values
 * in upper case, timestamps as ISO strings). Fields that need another read (Task.budget,
 * Approval.task, Approval.canDecide, ...) are resolved by the type resolvers in resolvers/types.ts.
 */
import type { StepState, TaskOutcome, TaskStatus } from '../../workflows/contract.js';

export type GqlRiskLevel = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type GqlDecision = 'ALLOW' | 'DENY' | 'REQUIRE_APPROVAL';
export type GqlApprovalStatus = 'PENDING' | 'APPROVED' | 'DENIED' | 'EXPIRED' | 'CANCELLED';

export interface ReasonModel {
  code: string;
  message: string;
  policyId?: string | null;
}

export interface RiskModel {
  score: number;
  level: GqlRiskLevel;
  factors: { code: string; weight: number; explanation: string }[];
}

export interface StepModel {
  stepId: string;
  tool: string;
  args: unknown;
  dependsOn: string[];
  state: StepState;
  decision: GqlDecision | null;
  reasons: ReasonModel[];
  determiningPolicies: string[];
  risk: RiskModel | null;
  approval: { id: string; status: GqlApprovalStatus; expiresAt: string; decidedBy: string | null } | null;
  executed: boolean;
  result: unknown;
  error: { code: string; message: string } | null;
}

export interface TaskModel {
  id: string;
  status: TaskStatus;
  outcome: TaskOutcome | null;
  goal: string;
  agentId: string;
  tenant: string;
  submittedBy: string;
  planId: string | null;
  planVersion: string | null;
  riskLevel: GqlRiskLevel | null;
  reasons: ReasonModel[];
  steps: StepModel[];
  createdAt: string;
  completedAt: string | null;
}

export interface ApprovalModel {
  id: string;
  tenant: string;
  taskId: string;
  stepId: string;
  tool: string;
  argsDigest: string;
  binding: string;
  planVersion: string;
  risk: RiskModel | null;
  policyIds: string[];
  status: GqlApprovalStatus;
  requestedAt: string;
  expiresAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  submittedBy: string;
  actingFor: string[];
}

export interface PageInfoModel {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfoModel;
  totalCount?: number;
}

export function toGqlRiskLevel(level: string | null | undefined): GqlRiskLevel | null {
  return level ? (level.toUpperCase() as GqlRiskLevel) : null;
}

export function toRiskModel(risk: { score: number; level: string; factors: RiskModel['factors'] } | null | undefined): RiskModel | null {
  if (!risk) return null;
  return { score: Math.round(risk.score), level: risk.level.toUpperCase() as GqlRiskLevel, factors: risk.factors };
}
