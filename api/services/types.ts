import type { DeterminismResult } from '../../replay/determinism/index.js';
import type { DriftGroup, DriftReport, ReplayDiff, ReplayRecord, WhatIfResult, WhatIfStep } from '../../replay/index.js';
/**
 * @module The service contract resolvers call. Each method receives the viewer and enforces role and
 * tenant itself, so a resolver cannot forget a check; inputs arrive already parsed by api/inputs.ts.
 */
import type { z } from 'zod';
import type { Viewer } from '../access.js';
import type {
  ActivatePolicySetArgsSchema,
  DecideApprovalInputSchema,
  IssueAgentCredentialInputSchema,
  IssueApiKeyInputSchema,
  PublishPolicySetInputSchema,
  RegisterAgentInputSchema,
  RegisterToolInputSchema,
  SetBudgetInputSchema,
  ReportToolResultInput,
  SubmitTaskInput,
  TaskFilterSchema,
} from '../inputs.js';
import type { ApprovalModel, Connection, ReasonModel, TaskModel } from '../schema/models.js';
import type { EvidenceJwk } from './forensics/evidence-keys.js';
import type { PolicyDriftInput, WhatIfArgs } from './forensics/inputs.js';
import type { PublishedKeySet } from './forensics/jwks.js';
import type { ResolvedPolicy } from './forensics/policy.js';
import type { WhatIfStepDiff } from './forensics/what-if-view.js';

export interface Page {
  first: number;
  after?: string | null;
}

export interface TaskService {
  submit(viewer: Viewer | null, input: SubmitTaskInput): Promise<TaskModel>;
  get(viewer: Viewer | null, id: string): Promise<TaskModel | null>;
  list(viewer: Viewer | null, filter: z.output<typeof TaskFilterSchema>, page: Page): Promise<Connection<TaskModel> & { totalCount: number }>;
  cancel(viewer: Viewer | null, id: string, reason: string | null | undefined): Promise<TaskModel>;
  reportResult(viewer: Viewer | null, input: ReportToolResultInput): Promise<TaskModel>;
  /** Read a task without access checks, for fields of objects the viewer already may read. */
  loadUnchecked(tenant: string, id: string): Promise<TaskModel | null>;
}

export interface ApprovalService {
  get(viewer: Viewer | null, id: string): Promise<ApprovalModel | null>;
  pending(viewer: Viewer | null, first: number): Promise<ApprovalModel[]>;
  decide(viewer: Viewer | null, input: z.output<typeof DecideApprovalInputSchema>): Promise<ApprovalModel>;
  /** Null when the viewer may decide the approval now; otherwise why not, in one sentence. */
  whyNot(viewer: Viewer | null, approval: ApprovalModel): string | null;
  /** The arguments the approval is bound to and the reasons the step was held, from the step's row. */
  step(approval: ApprovalModel): Promise<{ args: unknown; reasons: ReasonModel[] }>;
}

export interface AgentModel {
  id: string;
  tenant: string;
  name: string;
  capabilities: string[];
  status: string;
  createdAt: string;
}

export interface IssuedCredentialModel {
  id: string;
  agentId: string;
  token: string;
  expiresAt: string;
}

export interface CredentialModel {
  id: string;
  agentId: string;
  expiresAt: string;
  revokedAt: string | null;
}

export interface ApiKeyModel {
  id: string;
  subject: string;
  roles: string[];
  tenant: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface AgentService {
  list(viewer: Viewer | null): Promise<AgentModel[]>;
  register(viewer: Viewer | null, input: z.output<typeof RegisterAgentInputSchema>): Promise<{ agent: AgentModel; credential: IssuedCredentialModel }>;
  issueCredential(viewer: Viewer | null, input: z.output<typeof IssueAgentCredentialInputSchema>): Promise<IssuedCredentialModel>;
  revokeCredential(viewer: Viewer | null, id: string): Promise<CredentialModel>;
}

export interface ApiKeyService {
  issue(viewer: Viewer | null, input: z.output<typeof IssueApiKeyInputSchema>): Promise<{ apiKey: ApiKeyModel; key: string }>;
  revoke(viewer: Viewer | null, id: string): Promise<ApiKeyModel>;
}

export interface ToolModel {
  name: string;
  tenant: string;
  description: string;
  argsSchema: unknown;
  requiredCapability: string;
  riskLevel: string;
  sideEffect: string;
  endpoint: string | null;
  version: number;
  pinnedHash: string;
  status: string;
}

export interface ToolService {
  list(viewer: Viewer | null): Promise<ToolModel[]>;
  register(viewer: Viewer | null, input: z.output<typeof RegisterToolInputSchema>): Promise<ToolModel>;
}

export interface PolicySetModel {
  version: string;
  tenant: string;
  description: string | null;
  cedar: string;
  active: boolean;
  createdBy: string;
  createdAt: string;
}

export interface PublishResultModel {
  version: string | null;
  policySet: PolicySetModel | null;
  activated: boolean;
  errors: { message: string; line: number | null; column: number | null; policyId: string | null }[];
  /** The published set's drift over the tenant's recent tasks; null when it failed or nothing was published. */
  driftPreview?: DriftReportModel | null;
}

export interface PolicyService {
  list(viewer: Viewer | null): Promise<PolicySetModel[]>;
  active(viewer: Viewer | null, tenant: string | null | undefined): Promise<PolicySetModel | null>;
  publish(viewer: Viewer | null, input: z.output<typeof PublishPolicySetInputSchema>): Promise<PublishResultModel>;
  activate(viewer: Viewer | null, input: z.output<typeof ActivatePolicySetArgsSchema>): Promise<PolicySetModel>;
}

export interface BudgetModel {
  id: string;
  tenant: string;
  scope: string;
  scopeId: string | null;
  metric: string;
  window: string;
  limit: number;
  /** When the current window ends (ISO 8601, UTC); null for a per-task budget. */
  resetsAt: string | null;
  usage: { windowKey: string; subject: string; used: number; reserved: number }[];
}

export interface BudgetService {
  list(viewer: Viewer | null, tenant: string | null | undefined): Promise<BudgetModel[]>;
  /** Budgets that apply to a task the viewer already may read, with the task's counters. */
  forTask(task: TaskModel): Promise<BudgetModel[]>;
  set(viewer: Viewer | null, input: z.output<typeof SetBudgetInputSchema>): Promise<BudgetModel>;
}

export interface AuditEventModel {
  seq: number;
  chainId: string;
  chainSeq: number;
  prevHash: string;
  hash: string;
  eventId: string;
  type: string;
  tenant: string;
  taskId: string | null;
  stepId: string | null;
  actor: { kind: string; id: string };
  at: string;
  data: unknown;
}

export interface ChainVerificationModel {
  chainId: string;
  ok: boolean;
  events: number;
  breakCode: string | null;
  breakIndex: number | null;
}

export interface AuditService {
  list(viewer: Viewer | null, scope: { taskId?: string | null; tenant?: string | null }, page: Page): Promise<Connection<AuditEventModel>>;
  verify(viewer: Viewer | null, taskId: string): Promise<ChainVerificationModel>;
  /** Store records shipped from an MCP proxy's audit buffer (admins of their tenant); answers how many. */
  ingest(viewer: Viewer | null, records: unknown): Promise<number>;
}

export interface TaskEventModel {
  taskId: string;
  status: TaskModel['status'];
  changedSteps: string[];
  task: TaskModel;
  at: string;
}

export interface EventService {
  taskEvents(viewer: Viewer | null, taskId: string): Promise<AsyncIterable<TaskEventModel>>;
  approvalRequests(viewer: Viewer | null): Promise<AsyncIterable<ApprovalModel>>;
  taskChanges(viewer: Viewer | null, tenant: string | null | undefined): Promise<AsyncIterable<TaskChangeModel>>;
}

export interface TaskChangeModel {
  taskId: string;
  tenant: string;
  status: TaskModel['status'];
  at: string;
}

export interface ReplayService {
  /** A task reconstructed from its Temporal history; investigators and admins of the task's tenant. */
  get(viewer: Viewer | null, taskId: string): Promise<ReplayRecord & { taskId: string }>;
}

export interface ReplayDiffModel {
  left: string;
  right: string;
  summary: ReplayDiff['summary'];
  diff: ReplayDiff;
  markdown: string;
}

export interface WhatIfModel {
  taskId: string;
  policy: ResolvedPolicy['describe'];
  changed: number;
  summary: WhatIfResult['summary'];
  /** Steps decided differently (decision or determining policies), recorded against proposed. */
  diff: WhatIfStepDiff[];
  markdown: string;
  steps: WhatIfStep[];
}

export interface DriftReportModel {
  tasksEvaluated: number;
  /** Tasks in the window whose history could not be read. */
  tasksSkipped: number;
  decisionsEvaluated: number;
  changed: number;
  /** Changed decisions grouped by the policies that determine the new decision. */
  groups: DriftGroup[];
  report: DriftReport;
  policy?: ResolvedPolicy['describe'];
}

export interface DeterminismCheckModel {
  taskId: string;
  deterministic: boolean;
  /** Where replay diverged from today's workflow code (event id, command, message); null when it did not. */
  drift: NonNullable<DeterminismResult['error']> | null;
}

export type TenantEvidenceExportModel = Omit<EvidenceExportModel, 'taskId'> & { tenant: string; since: string; until: string; tasks: number };

export interface EvidenceExportModel {
  taskId: string;
  /** The bundle as one JSON file (RFC 8785 canonical JSON). */
  bundle: string;
  /** SHA-256 (hex) of `bundle` exactly as returned. */
  digest: string;
  signature: string;
  keyId: string;
  bundleId: string;
  summaryMarkdown: string;
  summaryHtml: string;
}

export interface EvidenceFailureModel {
  code: string;
  part: string | null;
  eventIndex: number | null;
  message: string;
}

export interface EvidenceVerificationModel {
  valid: boolean;
  /** The kid the bundle's signature names, when it can be read. */
  keyId: string | null;
  failures: EvidenceFailureModel[];
  notes: string[];
}

export interface ForensicsService {
  diff(viewer: Viewer | null, args: { left: string; right: string }): Promise<ReplayDiffModel>;
  whatIf(viewer: Viewer | null, args: WhatIfArgs): Promise<WhatIfModel>;
  drift(viewer: Viewer | null, input: PolicyDriftInput): Promise<DriftReportModel>;
  determinism(viewer: Viewer | null, taskId: string): Promise<DeterminismCheckModel>;
}

export interface EvidenceService {
  /** Build, sign and audit a redacted evidence bundle of one task (investigators and admins of its tenant). */
  export(viewer: Viewer | null, taskId: string): Promise<EvidenceExportModel>;
  /** The same for the tasks of the viewer's tenant created in [since, until) (at most 100), with the tenant's own audit chain of that time. */
  exportRange(viewer: Viewer | null, range: { since: Date; until: Date }): Promise<TenantEvidenceExportModel>;
  /** Verify a bundle against this server's evidence keys; failures exactly as replay's verifier reports them. */
  verify(viewer: Viewer | null, bundle: string): Promise<EvidenceVerificationModel>;
  /** The evidence keys as a JWKS (any authenticated viewer). */
  publicKeys(viewer: Viewer | null): Promise<{ keys: EvidenceJwk[] }>;
  /** Everything `/.well-known/jwks.json` publishes: agent credential keys and evidence keys; no viewer needed. */
  jwks(): Promise<PublishedKeySet>;
  /** Make sure the evidence signing key exists (called once at start, so the JWKS lists it at once); returns its kid. */
  ensureKey(): Promise<string>;
}

export interface Services {
  replay: ReplayService;
  forensics: ForensicsService;
  evidence: EvidenceService;
  tasks: TaskService;
  approvals: ApprovalService;
  agents: AgentService;
  apiKeys: ApiKeyService;
  tools: ToolService;
  policies: PolicyService;
  budgets: BudgetService;
  audit: AuditService;
  events: EventService;
}
