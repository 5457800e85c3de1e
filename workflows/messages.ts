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

/** The governance activities, run as local activities; replay/ recognises their markers by these names (and `executeQuickTool`'s). */
export const GOVERNANCE_ACTIVITIES: readonly GovernanceActivityName[] = Object.freeze([
  'extractPlan', 'authenticateAgent', 'assessStep', 'requestApproval', 'expireApproval', 'reserveBudget', 'settleBudget', 'recordStep', 'recordOutcome',
] as const);

/**
 * Built-in tools that act on this host in milliseconds (sandbox files, the outbox table, read-only SQL
 * on the demo schema): the workflow runs them as a local activity, `executeQuickTool`. why: an ordinary
 * activity costs a round trip through the Temporal service and a second workflow task (~18 ms here);
 * tools that reach the network (http_get, registered HTTP tools) stay ordinary activities with
 * heartbeats, so a slow one never holds a workflow task open. The names are those the tool runtime
 * always runs with its built-in executors, whatever a tenant registered under them.
 * INVARIANT: the list is part of the workflow's behaviour; changing it needs a new patch id (a quick
 * tool records a marker where an ordinary one records activity events).
 */
export const QUICK_TOOLS: readonly string[] = Object.freeze(['read_file', 'write_file', 'send_email', 'run_sql']);
