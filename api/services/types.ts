import type { ReplayRecord } from '../../replay/index.js';
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
  SubmitTaskInput,
  TaskFilterSchema,
} from '../inputs.js';
import type { ApprovalModel, Connection, ReasonModel, TaskModel } from '../schema/models.js';

export interface Page {
  first: number;
  after?: string | null;
}

export interface TaskService {
  submit(viewer: Viewer | null, input: SubmitTaskInput): Promise<TaskModel>;
  get(viewer: Viewer | null, id: string): Promise<TaskModel | null>;
  list(viewer: Viewer | null, filter: z.output<typeof TaskFilterSchema>, page: Page): Promise<Connection<TaskModel> & { totalCount: number }>;
  cancel(viewer: Viewer | null, id: string, reason: string | null | undefined): Promise<TaskModel>;
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
}

export interface ReplayService {
  /** A task reconstructed from its Temporal history; investigators and admins of the task's tenant. */
  get(viewer: Viewer | null, taskId: string): Promise<ReplayRecord & { taskId: string }>;
}

export interface Services {
  replay: ReplayService;
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
