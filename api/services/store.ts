/**
 * @module What the API needs from storage, as one narrow interface. The implementation over the
 * repositories in db/queries is pg-store.ts; keeping the API on this seam means a change in a
 * repository's signature touches one adapter, not every service.
 */
import type { AuditEvent } from '../../governance/audit/schema.js';
import type { ExecutionPlan, ToolDefinition } from '../../governance/types.js';
import type { Approval, ApprovalStatus } from '../../db/queries/approvals.js';
import type { Credential } from '../../db/queries/credentials.js';
import type { PolicySet } from '../../db/queries/policy-sets.js';

/** A client inside a transaction, or the pool; opaque to services. */
export type Db = unknown;

export interface TaskRow {
  id: string;
  tenant: string;
  agentId: string;
  submittedBy: string;
  goal: string;
  status: 'PENDING' | 'RUNNING' | 'AWAITING_APPROVAL' | 'DONE';
  outcome: 'COMPLETED' | 'PARTIALLY_BLOCKED' | 'BLOCKED' | 'FAILED' | 'CANCELLED' | null;
  riskLevel: string | null;
  plan: ExecutionPlan | null;
  summary: Record<string, unknown>;
  /** The workflow's final view, recorded with the outcome (recordOutcome); untrusted JSON until parsed. */
  view: unknown;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface TaskChangeRow {
  id: string;
  tenant: string;
  status: TaskRow['status'];
  outcome: TaskRow['outcome'];
  updatedAt: string;
}

export interface StepRow {
  taskId: string;
  stepId: string;
  tool: string;
  args: Record<string, unknown>;
  decision: 'ALLOW' | 'DENY' | 'REQUIRE_APPROVAL' | null;
  reasons: { code: string; message: string; policyId?: string }[];
  risk: { score: number; level: string; factors: { code: string; weight: number; explanation: string }[] } | null;
  approvalId: string | null;
  executed: boolean;
  result: unknown;
  error: { code: string; message: string } | null;
  /** The workflow's latest view of the step (recordStep); untrusted JSON until parsed. */
  view: unknown;
  updatedAt: string;
}

export type { ApprovalStatus };

// why derived: the API's view of a row is the repository's shape (one definition, in db/queries).
export type ApprovalRow = Omit<Approval, 'risk'> & { risk: StepRow['risk'] };

export interface AgentRow {
  id: string;
  tenant: string;
  name: string;
  capabilities: string[];
  status: 'ACTIVE' | 'SUSPENDED' | 'RETIRED';
  createdAt: string;
}

export type CredentialRow = Pick<Credential, 'jti' | 'agentId' | 'tenant' | 'kid' | 'issuedAt' | 'expiresAt' | 'revokedAt'>;

export interface ApiKeyRow {
  keyId: string;
  hash: string;
  subject: string;
  roles: string[];
  tenant: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface ToolRow {
  tenant: string;
  name: string;
  version: number;
  definition: ToolDefinition;
  pinnedHash: string;
  status: 'ACTIVE' | 'DISABLED';
}

export type PolicySetRow = Omit<PolicySet, 'activatedAt'>;

export interface BudgetRow {
  id: string;
  tenant: string;
  scope: 'tenant' | 'agent' | 'task';
  scopeRef: string | null;
  metric: 'cost_usd' | 'tool_calls' | 'tokens' | 'wall_time_ms';
  window: 'task' | 'day' | 'month';
  limit: number;
  usage: { windowKey: string; subject: string; used: number; reserved: number }[];
}

export interface StoredAuditEvent {
  seq: number;
  chainId: string;
  chainSeq: number;
  prevHash: string;
  hash: string;
  event: AuditEvent;
}

export interface TaskListFilter {
  tenant: string | null;
  agentId?: string;
  /** `DONE` rows are matched on their outcome. */
  status?: string;
  riskLevel?: string;
  tool?: string;
  from?: Date;
  to?: Date;
}

export interface KeysetPage {
  first: number;
  /** Opaque cursor from a previous page's `endCursor`. */
  after?: string | null;
}

export interface PageOf<T> {
  rows: { cursor: string; row: T }[];
  hasNextPage: boolean;
  totalCount?: number;
}

export interface ApiStore {
  /** Run `fn` in one transaction; `fn` must use the `db` it is given for every query. */
  transaction<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** The pool, for single statements outside a transaction. */
  readonly pool: Db;

  ensureTenant(db: Db, id: string): Promise<void>;
  listTenants(db: Db): Promise<string[]>;

  insertTask(db: Db, row: { id: string; tenant: string; agentId: string; submittedBy: string; goal: string; plan: ExecutionPlan | null; summary?: Record<string, unknown> }): Promise<{ row: TaskRow; created: boolean }>;
  /** The task, only if it belongs to `tenant`; null `tenant` searches every tenant (platform administrator). */
  getTask(db: Db, tenant: string | null, id: string): Promise<TaskRow | null>;
  listTasks(db: Db, filter: TaskListFilter, page: KeysetPage): Promise<PageOf<TaskRow>>;
  listSteps(db: Db, taskId: string): Promise<StepRow[]>;
  /** The tenant's task with its steps and approvals, in one round trip; null when absent. */
  getTaskRows(db: Db, tenant: string, id: string): Promise<{ row: TaskRow; steps: StepRow[]; approvals: ApprovalRow[] } | null>;
  /** The most recently changed tasks (null tenant: every tenant; agentId: only that agent's), newest first. */
  recentTaskChanges(db: Db, scope: { tenant: string | null; agentId?: string | undefined }, limit: number): Promise<TaskChangeRow[]>;
  /**
   * Record the result of a step the caller executed, once: the execution row and the step's result.
   * `recorded: false` returns what an earlier report recorded (nothing is changed).
   */
  recordReportedResult(db: Db, r: { tenant: string; taskId: string; stepId: string; tool: string; args: Record<string, unknown>; ok: boolean; result: unknown; error: { code: string; message: string } | null; at: Date }): Promise<{ recorded: boolean; ok: boolean; result: unknown; error: unknown }>;
  /** Record an outcome for a task whose workflow could not be started. */
  failTask(db: Db, tenant: string, id: string, reason: { code: string; message: string }): Promise<void>;

  /** The approval, only if it belongs to `tenant`; null `tenant` searches every tenant. */
  getApproval(db: Db, tenant: string | null, id: string): Promise<ApprovalRow | null>;
  listApprovalsForTask(db: Db, tenant: string, taskId: string): Promise<ApprovalRow[]>;
  listPendingApprovals(db: Db, tenant: string | null, limit: number, now: Date): Promise<ApprovalRow[]>;
  /** Atomic: only a PENDING approval changes; null when another decision won. */
  decideApproval(db: Db, d: { tenant: string; approvalId: string; status: 'APPROVED' | 'DENIED'; decidedBy: string; reason: string; decidedAt: Date }): Promise<ApprovalRow | null>;

  insertAgent(db: Db, row: { id: string; tenant: string; name: string; capabilities: string[] }): Promise<AgentRow>;
  getAgent(db: Db, tenant: string, id: string): Promise<AgentRow | null>;
  listAgents(db: Db, tenant: string): Promise<AgentRow[]>;

  /** Signing key records as governance/identity's createKeyRing reads them (private part only for the active key). */
  listSigningKeys(db: Db): Promise<unknown[]>;
  insertSigningKey(db: Db, record: { kid: string; publicJwk: Record<string, unknown>; privateJwk?: Record<string, unknown> }): Promise<void>;
  insertCredential(db: Db, row: { jti: string; agentId: string; tenant: string; kid: string; expiresAt: string }): Promise<void>;
  getCredential(db: Db, jti: string): Promise<CredentialRow | null>;
  /** Registered, not revoked, and its agent active. */
  isCredentialLive(db: Db, jti: string): Promise<boolean>;
  revokeCredential(db: Db, tenant: string, jti: string, reason: string, at: Date): Promise<CredentialRow | null>;

  insertApiKey(db: Db, row: { keyId: string; hash: string; subject: string; roles: string[]; tenant: string }): Promise<ApiKeyRow>;
  getApiKey(db: Db, keyId: string): Promise<ApiKeyRow | null>;
  revokeApiKey(db: Db, tenant: string, keyId: string, at: Date): Promise<ApiKeyRow | null>;

  upsertTool(db: Db, tenant: string, def: ToolDefinition): Promise<ToolRow>;
  listTools(db: Db, tenant: string): Promise<ToolRow[]>;

  /** Insert a version (idempotent by content) and, when asked, make it the tenant's active one. */
  publishPolicySet(db: Db, row: { tenant: string; version: string; cedar: string; description: string; createdBy: string; activate: boolean }): Promise<PolicySetRow>;
  activatePolicySet(db: Db, tenant: string, version: string): Promise<PolicySetRow | null>;
  listPolicySets(db: Db, tenant: string): Promise<PolicySetRow[]>;
  getActivePolicySet(db: Db, tenant: string): Promise<PolicySetRow | null>;

  setBudget(db: Db, b: { tenant: string; scope: BudgetRow['scope']; scopeRef: string | null; metric: BudgetRow['metric']; window: BudgetRow['window']; limit: number }): Promise<BudgetRow>;
  budgetsWithUsage(db: Db, tenant: string, now: Date, taskId?: string): Promise<BudgetRow[]>;

  appendAudit(db: Db, events: AuditEvent[]): Promise<void>;
  listAudit(db: Db, filter: { tenant: string; chainId: string }, page: KeysetPage): Promise<PageOf<StoredAuditEvent>>;
  readChain(db: Db, chainId: string): Promise<StoredAuditEvent[]>;
}
