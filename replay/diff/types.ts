/** @module The difference between two replay records. */
import type { Decision, DecisionReason } from '../../governance/types.js';
import type { ValueChange } from './pointer.js';

export interface StepRef {
  stepId: string;
  tool: string;
  index: number;
}

export interface DecisionSide {
  decision?: Decision;
  reasons: DecisionReason[];
  determiningPolicies: string[];
}

export interface StepChange {
  left: StepRef;
  right: StepRef;
  /** How the steps were paired: same tool and canonical arguments, or by position among the rest. */
  alignedBy: 'tool+args' | 'position';
  tool?: { left: string; right: string };
  args: ValueChange[];
  dependsOn?: { left: string[]; right: string[] };
  decision?: { left: DecisionSide; right: DecisionSide };
  state?: { left: string; right: string };
  approval?: { left?: string; right?: string; leftBy?: string; rightBy?: string };
  execution?: { left?: string; right?: string };
  risk?: { left?: { score: number; level: string }; right?: { score: number; level: string } };
}

export interface ReplayDiff {
  left: { taskId?: string; historyDigest: string };
  right: { taskId?: string; historyDigest: string };
  added: StepRef[];
  removed: StepRef[];
  changed: StepChange[];
  /** Pairs with no difference. */
  unchanged: Array<{ left: StepRef; right: StepRef }>;
  outcome?: { left?: string; right?: string };
  approvals: { left: number; right: number; changes: ValueChange[] };
  budget: ValueChange[];
  timing: { totalMs: { left?: number; right?: number; delta?: number }; awaitingApprovalMs: { left: number; right: number; delta: number } };
  summary: { added: number; removed: number; changed: number; unchanged: number; decisionChanges: number; argumentChanges: number; outcomeChanged: boolean };
}
