/**
 * @module The API under test, in process: a real database (PGlite, or Postgres when DATABASE_URL is
 * set), the real store, services, auth and yoga server; only Temporal is replaced, by a recording
 * gateway (end-to-end runs through Temporal are in the integration suite).
 */
import type { RateLimit } from '../../lib/rate-limit.js';
import { randomUUID } from 'node:crypto';
import { openApproval } from '../../db/queries/approvals.js';
import { upsertStep } from '../../db/queries/steps.js';
import { insertTask, updateTask } from '../../db/queries/tasks.js';
import { appendAuditEvents } from '../../db/queries/audit.js';
import { buildAuditEvent } from '../../governance/audit/build.js';
import { approvalBinding } from '../../governance/approval/index.js';
import { sha256Hex } from '../../api/auth.js';
import type { WorkflowGateway } from '../../api/services/workflows.js';
import { createPgStore } from '../../api/store/pg-store.js';
import { createApi, type ComposedApi } from '../../api/yoga.js';
import { createMetricsSource } from '../../app/metrics-source.js';
import type { ApprovalDecisionSignal, CancelSignal, GovernedTaskInput, TaskView, ToolResultSignal } from '../../workflows/contract.js';
import { backends, openTestDatabase, type TestDatabase } from '../db/helpers.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export class RecordingGateway implements WorkflowGateway {
  started: GovernedTaskInput[] = [];
  signals: { taskId: string; signal: ApprovalDecisionSignal }[] = [];
  cancels: { taskId: string; signal: CancelSignal }[] = [];
  results: { taskId: string; signal: ToolResultSignal }[] = [];
  views = new Map<string, TaskView>();
  failStart = false;

  async start(input: GovernedTaskInput): Promise<'started' | 'existing'> {
    if (this.failStart) throw new Error('engine down: connection refused at 10.0.0.7:7233');
    if (this.started.some((s) => s.taskId === input.taskId)) return 'existing';
    this.started.push(input);
    return 'started';
  }
  async status(taskId: string): Promise<TaskView | null> {
    return this.views.get(taskId) ?? null;
  }
  async signalApproval(taskId: string, signal: ApprovalDecisionSignal): Promise<void> {
    this.signals.push({ taskId, signal });
  }
  async cancel(taskId: string, signal: CancelSignal): Promise<void> {
    this.cancels.push({ taskId, signal });
  }
  async signalToolResult(taskId: string, signal: ToolResultSignal): Promise<void> {
    this.results.push({ taskId, signal });
  }
}

export interface CapturedLog {
  level: string;
  obj: unknown;
  msg?: string;
}

export interface Harness {
  db: TestDatabase;
  api: ComposedApi;
  gateway: RecordingGateway;
  logs: CapturedLog[];
  clock: { now: Date };
  close(): Promise<void>;
}

export const backend = backends()[0]!;

export async function openHarness(opts: { submitWaitMs?: number; outcomeWaitMs?: number; rateLimit?: RateLimit } = {}): Promise<Harness> {
  const db = await openTestDatabase(backend);
  const gateway = new RecordingGateway();
  const logs: CapturedLog[] = [];
  const log = (level: string) => (obj: unknown, msg?: string) => void logs.push({ level, obj, msg });
  const clock = { now: new Date() };
  const api = createApi({
    store: createPgStore(db.pool),
    workflows: gateway,
    bootstrapTokenHash: sha256Hex(ADMIN_TOKEN),
    metricsSource: createMetricsSource(db.pool),
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    config: { submitWaitMs: opts.submitWaitMs ?? 0, feedIntervalMs: 50, ...(opts.outcomeWaitMs === undefined ? {} : { outcomeWaitMs: opts.outcomeWaitMs }) },
    now: () => clock.now,
    ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
  });
  await api.identity.ensureSigningKey();
  return {
    db, api, gateway, logs, clock,
    close: async () => {
      api.close();
      await db.close();
    },
  };
}

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- why: responses are untyped JSON; tests assert their shape
export type Json = Record<string, any>;

/** POST one operation with a bearer token (or none). */
export async function gql<T = Json>(h: Harness, token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await h.api.handle(new Request('http://interceptor.test/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) }));
  const body = (await res.json()) as GqlResult<T>;
  return { ...body, status: res.status };
}

export function codes(r: GqlResult): unknown[] {
  return (r.errors ?? []).map((e) => e.extensions?.code);
}

export interface Principal {
  token: string;
  id: string;
}

export interface TenantFixture {
  tenant: string;
  agent: Principal;
  otherAgent: Principal;
  approver: Principal;
  investigator: Principal;
  admin: Principal;
}

async function apiKey(h: Harness, tenant: string, subject: string, roles: string[]): Promise<Principal> {
  const r = await gql(h, ADMIN_TOKEN, 'mutation($i: IssueApiKeyInput!) { issueApiKey(input: $i) { key apiKey { id } } }', { i: { subject, roles, tenant } });
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return { token: r.data.issueApiKey.key, id: subject };
}

async function agent(h: Harness, tenant: string, name: string, actingFor: string[]): Promise<Principal> {
  const r = await gql(h, ADMIN_TOKEN, 'mutation($i: RegisterAgentInput!) { registerAgent(input: $i) { agent { id } credential { token } } }', {
    i: { name, capabilities: ['files:read', 'email:send', 'sql:read'], tenant, actingFor },
  });
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return { token: r.data.registerAgent.credential.token, id: r.data.registerAgent.agent.id };
}

/** Agents and keys of every role in one tenant, registered through the API by the platform administrator. */
export async function tenantFixture(h: Harness, tenant: string): Promise<TenantFixture> {
  return {
    tenant,
    agent: await agent(h, tenant, 'agent-one', [`alice@${tenant}`]),
    otherAgent: await agent(h, tenant, 'agent-two', []),
    approver: await apiKey(h, tenant, `approver@${tenant}`, ['APPROVER']),
    investigator: await apiKey(h, tenant, `investigator@${tenant}`, ['INVESTIGATOR']),
    admin: await apiKey(h, tenant, `admin@${tenant}`, ['ADMIN']),
  };
}

export const TWO_STEP_PLAN = {
  steps: [
    { stepId: 'read', tool: 'read_file', args: { path: 'notes/today.txt' } },
    { stepId: 'mail', tool: 'send_email', dependsOn: ['read'], args: { to: 'bob@partner.example.org', subject: 'notes', body: 'see attached' } },
  ],
};

/**
 * What the workflow's activities would have written for a task held at an approval: the task row,
 * its steps, a pending approval on `mail`, and a chained audit event.
 */
export async function seedHeldTask(h: Harness, tenant: string, agentId: string, opts: { submittedBy?: string; actingFor?: string[] } = {}): Promise<{ taskId: string; approvalId: string; binding: string }> {
  const taskId = `task_${randomUUID()}`;
  const approvalId = `apr_${randomUUID()}`;
  const pool = h.db.pool;
  await insertTask(pool, { id: taskId, tenant, agentId, submittedBy: opts.submittedBy ?? agentId, goal: 'send notes', status: 'AWAITING_APPROVAL' });
  await upsertStep(pool, { taskId, stepId: 'read', tool: 'read_file', args: { path: 'notes/today.txt' }, decision: 'ALLOW', executed: true, result: { text: 'hello' } });
  await upsertStep(pool, { taskId, stepId: 'mail', tool: 'send_email', args: { to: 'bob@partner.example.org' }, decision: 'REQUIRE_APPROVAL', reasons: [{ code: 'POLICY', message: 'external e-mail', policyId: 'approve-external-email' }], approvalId });
  const argsDigest = sha256Hex('{"to":"bob@partner.example.org"}');
  const binding = approvalBinding({ taskId, stepId: 'mail', tool: 'send_email', argsDigest, planVersion: 'v1' });
  const now = h.clock.now;
  await openApproval(pool, {
    approvalId, tenant, taskId, stepId: 'mail', tool: 'send_email', argsDigest, planVersion: 'v1', binding, requestedAt: now,
    expiresAt: new Date(now.getTime() + 3_600_000), submittedBy: opts.submittedBy ?? agentId, actingFor: opts.actingFor ?? [], policyIds: ['approve-external-email'],
  });
  await appendAuditEvents(pool, [buildAuditEvent({ tenant, taskId, type: 'approval.requested', actor: { kind: 'system', id: 'worker' }, at: now.toISOString(), data: { approvalId } })]);
  return { taskId, approvalId, binding };
}

export async function finishTask(h: Harness, tenant: string, taskId: string): Promise<void> {
  await updateTask(h.db.pool, tenant, taskId, { status: 'DONE', outcome: 'COMPLETED', riskLevel: 'high', completedAt: h.clock.now });
}
