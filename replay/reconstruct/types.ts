/** @module The replay record: what a governed task did and why, rebuilt from its Temporal history only. */
import type { AgentIdentity, Decision, DecisionReason, Provenance, StepAssessment, TrustLevel } from '../../governance/types.js';

// 2: the history digest hashes payload bytes (not their base64); records and bundles of version 1 do not verify against it.
export const RECORD_VERSION = 2 as const;

export interface PlanStepSummary {
  stepId: string;
  tool: string;
  argsDigest: string;
  dependsOn: string[];
}

/** The recorded assessment of one step (the assessStep activity's result, without the ids the record keys it by). */
export type StepAssessmentRecord = Omit<StepAssessment, 'stepId' | 'tool'>;

export interface ApprovalRecord {
  approvalId: string;
  stepId: string;
  tool: string;
  requestedAt?: string;
  expiresAt?: string;
  status: 'PENDING' | 'APPROVED' | 'DENIED' | 'EXPIRED' | 'CANCELLED';
  decidedBy?: string;
  decidedAt?: string;
  reason?: string;
  /** Where the decision arrived from: the approvalDecision signal, or expireApproval finding it recorded first. */
  via?: 'signal' | 'expire-check';
}

export interface StepRecord {
  stepId: string;
  tool: string;
  dependsOn: string[];
  /** Arguments as planned. */
  args: Record<string, unknown>;
  argsDigest: string;
  /** Final state as recorded by recordStep (or inferred when the task did not record it). */
  state: string;
  /** Decision in force at the end (an approval denial or a budget refusal turns it into DENY). */
  decision?: Decision;
  reasons: DecisionReason[];
  assessment?: StepAssessmentRecord;
  approval?: ApprovalRecord;
  budget?: { reserved: boolean; reservationKey?: string; exceeded?: DecisionReason; settled?: { costUsd: number; tokens: number; wallTimeMs: number } | null };
  execution?: { ok: boolean; resultDigest?: string; error?: { code: string; message: string }; usage?: { costUsd: number; tokens: number; wallTimeMs: number }; attempts: number };
  /** Sources named in the step's provenance (per argument). */
  sources: Array<{ arg: string; source: string; trust: TrustLevel | string }>;
  /** The step's provenance as planned (what a what-if replay re-evaluates taint from). */
  provenance: Record<string, Provenance>;
}

export interface ReplaySummary {
  taskId?: string;
  workflowId?: string;
  runId?: string;
  workflowType?: string;
  tenant?: string;
  agent?: string;
  delegation: string[];
  submittedBy?: { kind: string; id: string };
  goal?: string;
  plan?: { planId: string; planVersion?: string; format?: string; steps: PlanStepSummary[] };
  identity?: AgentIdentity;
  stepsByDecision: Record<Decision | 'NOT_ASSESSED', number>;
  stepsByState: Record<string, number>;
  trustLevelsSeen: string[];
  approvals: ApprovalRecord[];
  budget: { reservations: number; exceeded: number; settled: number; released: number; settledUsage: { costUsd: number; tokens: number; wallTimeMs: number } };
  outcome?: string;
  outcomeReasons: DecisionReason[];
  riskLevel?: string;
  /** RUNNING while the history has no close event. */
  status: 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED' | 'TERMINATED' | 'TIMED_OUT' | 'CONTINUED_AS_NEW';
  startedAt?: string;
  closedAt?: string;
  durations: { totalMs?: number; awaitingApprovalMs: number; byActivity: Record<string, number> };
  eventCounts: Record<string, number>;
  eventCount: number;
  retries: { total: number; byActivity: Record<string, number> };
}

export type TimelineKind =
  | 'task.started' | 'plan.extracted' | 'plan.rejected' | 'identity.verified' | 'identity.rejected'
  | 'step.assessed' | 'step.skipped' | 'step.cancelled' | 'approval.requested' | 'approval.refused' | 'approval.decided' | 'approval.expired'
  | 'budget.reserved' | 'budget.exceeded' | 'budget.settled' | 'budget.released' | 'tool.executed' | 'tool.failed'
  | 'activity.retried' | 'activity.failed' | 'signal.received' | 'cancel.requested' | 'task.outcome' | 'task.closed';

export interface TimelineEntry {
  /** Stable for a given history: kind, step and first event id. */
  id: string;
  at?: string;
  kind: TimelineKind;
  stepId?: string;
  actor: { kind: 'agent' | 'user' | 'system'; id: string };
  summary: string;
  data: Record<string, unknown>;
  /** The history events this entry came from (activity scheduled, started and closed, ...). */
  eventIds: number[];
}

export type GraphNodeKind = 'source' | 'plan' | 'step' | 'decision' | 'approval' | 'execution' | 'outcome';
export type GraphEdgeKind = 'derives-from' | 'tainted-by' | 'evaluated-by' | 'approved-by' | 'executed' | 'produced';

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  label: string;
  data: Record<string, unknown>;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: GraphEdgeKind;
}

export interface ExecutionGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** An event or payload the decoders did not recognise: kept out of the record, listed here. */
export interface Unrecognised {
  eventId?: number;
  type?: string;
  message: string;
}

export interface ReplayRecord {
  version: typeof RECORD_VERSION;
  /** SHA-256 over the canonical JSON of the history's events (see historyDigest). */
  historyDigest: string;
  summary: ReplaySummary;
  steps: StepRecord[];
  timeline: TimelineEntry[];
  graph: ExecutionGraph;
  unrecognised: Unrecognised[];
}

export interface ReconstructOptions {
  /** Keep at most this many timeline entries (default: all). */
  maxTimelineEntries?: number;
}
