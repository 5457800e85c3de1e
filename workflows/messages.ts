/** @module Signals, queries and constants shared by the governed-task workflow and its clients. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ApprovalDecisionSignal, CancelSignal, TaskView } from './contract.js';

export const approvalDecisionSignal = defineSignal<[ApprovalDecisionSignal]>('approvalDecision');
export const cancelSignal = defineSignal<[CancelSignal]>('cancel');
export const statusQuery = defineQuery<TaskView>('status');

export const GOVERNED_TASK_WORKFLOW = 'governedTask';
export const DEFAULT_TASK_QUEUE = 'interceptor-tasks';

/** Custom search attributes every deployment must register (embedded service: at start; real cluster: operator CLI). */
export const SEARCH_ATTRIBUTES = {
  TenantId: 'Keyword',
  AgentId: 'Keyword',
  Outcome: 'Keyword',
  RiskLevel: 'Keyword',
} as const;
