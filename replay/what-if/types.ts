/** @module What-if results: recorded decisions against the decisions another policy set would make. */
import type { Decision, DecisionReason } from '../../governance/types.js';

export interface WhatIfSide {
  decision: Decision;
  reasons: DecisionReason[];
  determiningPolicies: string[];
  policySetVersion: string;
  risk: { score: number; level: string };
}

export interface WhatIfStep {
  stepId: string;
  tool: string;
  /** Absent when the step could not be re-evaluated (see `skipped`). */
  old?: WhatIfSide;
  new?: WhatIfSide;
  /** The decision differs. */
  changed: boolean;
  /** The determining policies differ (the decision may be the same). */
  policiesChanged?: boolean;
  /** The tool's current definition differs from the one the recorded decision used (or one side has none). */
  toolDigestChanged: boolean;
  skipped?: { code: 'NOT_ASSESSED' | 'NO_RECORDED_INPUTS' | 'NO_IDENTITY' | 'NO_PLAN'; message: string };
}

export interface WhatIfResult {
  taskId?: string;
  policySetVersion: string;
  steps: WhatIfStep[];
  summary: {
    steps: number;
    reevaluated: number;
    skipped: number;
    changed: number;
    toolDigestChanged: number;
    /** Counts per transition, e.g. `ALLOW->DENY`. */
    transitions: Record<string, number>;
  };
}

export interface DriftExample {
  taskId?: string;
  stepId: string;
  tool: string;
  old: Decision;
  new: Decision;
}

export interface DriftGroup {
  policyId: string;
  count: number;
  transitions: Record<string, number>;
  examples: DriftExample[];
}

export interface DriftReport {
  policySetVersion: string;
  tasks: number;
  stepsReevaluated: number;
  stepsChanged: number;
  tasksAffected: number;
  transitions: Record<string, number>;
  /** Changes grouped by the policies that determine the new decision (`(none)` when no policy did, e.g. validation). */
  byNewPolicy: DriftGroup[];
  /** Changes grouped by the policies that determined the recorded decision. */
  byOldPolicy: DriftGroup[];
}
