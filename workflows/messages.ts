/** @module Signals, queries and constants shared by the governed-task workflow and its clients. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ApprovalDecisionSignal, CancelSignal, GovernanceActivityName, TaskView, ToolResultSignal } from './contract.js';

export const approvalDecisionSignal = defineSignal<[ApprovalDecisionSignal]>('approvalDecision');
export const cancelSignal = defineSignal<[CancelSignal]>('cancel');
export const toolResultSignal = defineSignal<[ToolResultSignal]>('toolResult');
export const statusQuery = defineQuery<TaskView>('status');

export const GOVERNED_TASK_WORKFLOW = 'governedTask';
export const DEFAULT_TASK_QUEUE = 'interceptor-tasks';
/** How long a caller-executed step waits for its reported result by default. */
export const DEFAULT_RESULT_TIMEOUT_MS = 10 * 60_000;

/** Custom search attributes every deployment must register (embedded service: at start; real cluster: operator CLI). */
export const SEARCH_ATTRIBUTES = {
  TenantId: 'Keyword',
  AgentId: 'Keyword',
  Outcome: 'Keyword',
  RiskLevel: 'Keyword',
} as const;

/** The activities run as local activities (every one but `executeTool`); replay/ recognises their markers by these names. */
export const GOVERNANCE_ACTIVITIES: readonly GovernanceActivityName[] = Object.freeze([
  'extractPlan', 'authenticateAgent', 'assessStep', 'requestApproval', 'expireApproval', 'reserveBudget', 'settleBudget', 'recordStep', 'recordOutcome',
] as const);
