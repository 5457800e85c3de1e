import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubmitTaskInputSchema } from '../../api/inputs.js';
import { codes, gql, openHarness, tenantFixture, TWO_STEP_PLAN, type Harness, type TenantFixture } from './harness.js';

const SUBMIT = 'mutation($i: SubmitTaskInput!) { submitTask(input: $i) { id status tenant agentId goal steps { stepId tool state args } } }';

describe('input validation and task submission', () => {
  let h: Harness;
  let a: TenantFixture;

  beforeAll(async () => {
    h = await openHarness();
    a = await tenantFixture(h, 'acme');
  });
  afterAll(async () => h?.close());

  it.each([
    ['both plan and raw output', { goal: 'g', plan: TWO_STEP_PLAN, rawAgentOutput: 'x' }, 'input.rawAgentOutput'],
    ['neither plan nor raw output', { goal: 'g' }, 'input.plan'],
    ['an empty goal', { goal: '   ', plan: TWO_STEP_PLAN }, 'input.goal'],
    ['a plan that is not an object', { goal: 'g', plan: 'steps' }, 'input.plan'],
    ['an idempotency key with spaces', { goal: 'g', plan: TWO_STEP_PLAN, idempotencyKey: 'a b' }, 'input.idempotencyKey'],
    // refused by graphql-js while coercing the variable (`$i` here), before any resolver runs
    ['an unknown `wait`', { goal: 'g', plan: TWO_STEP_PLAN, wait: 'FOREVER' }, 'i.wait'],
    ['an executor given as a number', { goal: 'g', plan: TWO_STEP_PLAN, executor: 7 }, 'i.executor'],
    // the echoed value cannot pass off another path as the one at fault
    ['a `wait` that looks like an error message', { goal: 'g', plan: TWO_STEP_PLAN, wait: 'X" at "i.goal"; Y' }, 'i.wait'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_n, input, path) => {
    const r = await gql(h, a.agent.token, SUBMIT, { i: input });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect((r.errors![0]!.extensions!.issues as { path: string }[]).map((i) => i.path)).toContain(path);
    expect(h.gateway.started).toEqual([]);
  });

  it('refuses a plan with a dependency cycle, naming the cycle, before anything is recorded', async () => {
    const plan = { steps: [{ stepId: 'a', tool: 'read_file', args: {}, dependsOn: ['b'] }, { stepId: 'b', tool: 'read_file', args: {}, dependsOn: ['a'] }] };
    const r = await gql(h, a.agent.token, SUBMIT, { i: { goal: 'loop', plan } });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    const issues = r.errors![0]!.extensions!.issues as { path: string; message: string }[];
    expect(issues.some((i) => i.path.startsWith('input.plan') && /a → b → a|b → a → b/.test(i.message))).toBe(true);
    expect((await gql(h, a.investigator.token, '{ tasks { totalCount } }')).data!.tasks.totalCount).toBe(0);
  });

  it('refuses raw output that is not valid JSON for its format, with a text position', async () => {
    const r = await gql(h, a.agent.token, SUBMIT, { i: { goal: 'g', rawAgentOutput: '{"choices": [', format: 'OPENAI_CHAT' } });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    const path = (r.errors![0]!.extensions!.issues as { path: string }[])[0]!.path;
    expect(path).toMatch(/^input\.rawAgentOutput/);
  });

  it('accepts a plan, records the task, and starts the governed workflow with the verified credential', async () => {
    const r = await gql(h, a.agent.token, SUBMIT, { i: { goal: 'send notes', plan: TWO_STEP_PLAN } });
    expect(codes(r)).toEqual([]);
    const task = r.data!.submitTask;
    expect(task).toMatchObject({ status: 'RUNNING', tenant: 'acme', agentId: a.agent.id, goal: 'send notes' });
    expect(task.steps.map((s: { stepId: string; state: string }) => [s.stepId, s.state])).toEqual([['read', 'PENDING'], ['mail', 'PENDING']]);
    const started = h.gateway.started.at(-1)!;
    expect(started).toMatchObject({ taskId: task.id, tenant: 'acme', agentId: a.agent.id, submittedBy: { kind: 'agent', id: a.agent.id }, source: { format: 'native', payload: TWO_STEP_PLAN } });
    expect(started.credential.capabilities).toEqual(['email:send', 'files:read', 'sql:read']);
    expect(started.credential.actingFor).toEqual(['alice@acme']);
    expect(JSON.stringify(started)).not.toContain(a.agent.token);
    const audit = await gql(h, a.investigator.token, 'query($t: ID!) { auditEvents(taskId: $t) { edges { node { type actor { kind id } } } } }', { t: task.id });
    expect(audit.data!.auditEvents.edges.map((e: { node: unknown }) => e.node)).toEqual([{ type: 'task.submitted', actor: { kind: 'agent', id: a.agent.id } }]);
  });

  it('returns the same task for a repeated idempotency key and starts it only once', async () => {
    const input = { goal: 'once', plan: TWO_STEP_PLAN, idempotencyKey: 'order-42' };
    const first = await gql(h, a.agent.token, SUBMIT, { i: input });
    const before = h.gateway.started.length;
    const again = await gql(h, a.agent.token, SUBMIT, { i: input });
    expect(again.data!.submitTask.id).toBe(first.data!.submitTask.id);
    expect(h.gateway.started.length).toBe(before);
    const otherAgent = await gql(h, a.otherAgent.token, SUBMIT, { i: input });
    expect(otherAgent.data!.submitTask.id).not.toBe(first.data!.submitTask.id);
  });

  it('marks the task failed and masks the cause when the engine refuses it', async () => {
    h.gateway.failStart = true;
    try {
      const r = await gql(h, a.agent.token, SUBMIT, { i: { goal: 'doomed', plan: TWO_STEP_PLAN } });
      expect(r.errors).toEqual([{ message: 'Unexpected error.', path: ['submitTask'], locations: [{ line: 1, column: 34 }], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
      expect(JSON.stringify(r)).not.toMatch(/10\.0\.0\.7|connection refused|at .*\.ts/);
      const list = await gql(h, a.investigator.token, '{ tasks(filter: { status: FAILED }) { edges { node { goal outcome reasons { code } } } } }');
      expect(list.data!.tasks.edges.map((e: { node: unknown }) => e.node)).toEqual([{ goal: 'doomed', outcome: 'FAILED', reasons: [{ code: 'ENGINE_UNAVAILABLE' }] }]);
      expect(h.logs.some((l) => l.level === 'error' && String((l.obj as { err?: Error }).err?.message).includes('connection refused'))).toBe(true);
    } finally {
      h.gateway.failStart = false;
    }
  });

  it('only lets agents submit', async () => {
    const r = await gql(h, a.admin.token, SUBMIT, { i: { goal: 'g', plan: TWO_STEP_PLAN } });
    expect(codes(r)).toEqual(['FORBIDDEN']);
  });

  it('bounds plan size at 1 MiB of JSON', () => {
    const big = { steps: [{ stepId: 's', tool: 'write_file', args: { path: 'a', content: 'x'.repeat(1024 * 1024) } }] };
    const r = SubmitTaskInputSchema.safeParse({ goal: 'g', plan: big });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual(['plan']);
  });

  it.each([
    ['a page size over 100', '{ tasks(first: 1000) { totalCount } }', 'first'],
    ['a forged cursor', '{ tasks(after: "bm90LWEtY3Vyc29y") { totalCount } }', 'after'],
  ])('refuses %s', async (_n, query, path) => {
    const r = await gql(h, a.investigator.token, query);
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect((r.errors![0]!.extensions!.issues as { path: string }[])[0]!.path).toBe(path);
  });

  it('requires a reason to deny', async () => {
    const r = await gql(h, a.approver.token, 'mutation { decideApproval(input: { approvalId: "apr_1", decision: DENY }) { id } }');
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.issues).toEqual([{ path: 'input.reason', message: 'is required when denying' }]);
  });

  it('returns Cedar validation errors as data with line and column, and activates nothing', async () => {
    const cedar = '@id("ok")\npermit (principal, action, resource);\n@id("bad")\npermit (principal, action, resource) when { principal.nope == 1 };\n';
    const r = await gql(h, a.admin.token, 'mutation($c: String!) { publishPolicySet(input: { cedar: $c }) { version activated errors { message line column } } }', { c: cedar });
    const p = r.data!.publishPolicySet;
    expect(p.activated).toBe(false);
    expect(p.version).toBeNull();
    expect(p.errors.length).toBeGreaterThan(0);
    expect(p.errors[0].line).toBe(4);
    expect((await gql(h, a.admin.token, '{ activePolicySet { version } }')).data!.activePolicySet).toBeNull();
  });

  it('publishes a valid policy set, activates it, and rolls back to an earlier version', async () => {
    const publish = 'mutation($c: String!) { publishPolicySet(input: { cedar: $c }) { version activated errors { message } } }';
    const v1 = (await gql(h, a.admin.token, publish, { c: '@id("p1")\npermit (principal, action, resource);\n' })).data!.publishPolicySet;
    const v2 = (await gql(h, a.admin.token, publish, { c: '@id("p2")\nforbid (principal, action, resource);\n' })).data!.publishPolicySet;
    expect([v1.activated, v2.activated]).toEqual([true, true]);
    expect((await gql(h, a.admin.token, '{ activePolicySet { version } }')).data!.activePolicySet.version).toBe(v2.version);
    const back = await gql(h, a.admin.token, 'mutation($v: ID!) { activatePolicySet(version: $v) { version active } }', { v: v1.version });
    expect(back.data!.activatePolicySet).toEqual({ version: v1.version, active: true });
    expect(codes(await gql(h, a.admin.token, 'mutation { activatePolicySet(version: "ps_missing") { version } }'))).toEqual(['NOT_FOUND']);
  });

  it('validates budgets and tools at the edge', async () => {
    const neg = await gql(h, a.admin.token, 'mutation { setBudget(input: { scope: TENANT, metric: COST_USD, window: DAY, limit: -1 }) { id } }');
    expect(codes(neg)).toEqual(['BAD_USER_INPUT']);
    const ok = await gql(h, a.admin.token, 'mutation { setBudget(input: { scope: AGENT, metric: TOOL_CALLS, window: DAY, limit: 50 }) { scope metric window limit resetsAt usage { used } } }');
    const now = new Date();
    const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();
    expect(ok.data!.setBudget).toEqual({ scope: 'AGENT', metric: 'TOOL_CALLS', window: 'DAY', limit: 50, resetsAt: midnight, usage: [] });
    const perTask = await gql(h, a.admin.token, 'mutation { setBudget(input: { scope: TASK, metric: TOOL_CALLS, window: TASK, limit: 9 }) { window resetsAt } }');
    expect(perTask.data!.setBudget).toEqual({ window: 'TASK', resetsAt: null });
    const badSchema = await gql(h, a.admin.token, 'mutation { registerTool(input: { name: "t", argsSchema: { type: "nonsense" }, requiredCapability: "x", riskLevel: LOW, sideEffect: READ }) { name } }');
    expect(codes(badSchema)).toEqual(['BAD_USER_INPUT']);
  });

  it('registers a tool, pins its definition, and refuses an endpoint outside its allowlist', async () => {
    const register = 'mutation($i: RegisterToolInput!) { registerTool(input: $i) { name version pinnedHash endpoint riskLevel } }';
    const base = { name: 'crm_lookup', argsSchema: { type: 'object', properties: { id: { type: 'string' } } }, requiredCapability: 'crm:read', riskLevel: 'LOW', sideEffect: 'READ', urlAllowlist: ['https://crm.example.com/api/'] };
    const outside = await gql(h, a.admin.token, register, { i: { ...base, endpoint: 'https://crm.example.com.evil.org/api/lookup' } });
    expect(codes(outside)).toEqual(['BAD_USER_INPUT']);
    expect(outside.errors![0]!.extensions!.issues).toEqual([{ path: 'input.endpoint', message: 'must be inside `urlAllowlist`' }]);
    const v1 = (await gql(h, a.admin.token, register, { i: { ...base, endpoint: 'https://crm.example.com/api/lookup' } })).data!.registerTool;
    expect(v1).toMatchObject({ name: 'crm_lookup', version: 1, endpoint: 'https://crm.example.com/api/lookup', riskLevel: 'LOW' });
    const same = (await gql(h, a.admin.token, register, { i: { ...base, endpoint: 'https://crm.example.com/api/lookup' } })).data!.registerTool;
    expect(same).toEqual(v1);
    const v2 = (await gql(h, a.admin.token, register, { i: { ...base, riskLevel: 'MEDIUM', endpoint: 'https://crm.example.com/api/lookup' } })).data!.registerTool;
    expect(v2.version).toBe(2);
    expect(v2.pinnedHash).not.toBe(v1.pinnedHash);
    expect(codes(await gql(h, a.agent.token, register, { i: base }))).toEqual(['FORBIDDEN']);
  });
});

describe('submitTask wait: OUTCOME when the task does not end in time', () => {
  let h: Harness;
  let a: TenantFixture;

  beforeAll(async () => {
    h = await openHarness({ outcomeWaitMs: 300 });
    a = await tenantFixture(h, 'acme');
  });
  afterAll(async () => h?.close());

  it('answers with the task as it is at the deadline, and a retry with the same key waits again', async () => {
    // nothing runs the workflows here, so the task stays RUNNING
    const input = { goal: 'g', plan: TWO_STEP_PLAN, wait: 'OUTCOME', idempotencyKey: 'slow-1' };
    for (const attempt of ['first', 'retry']) {
      const t0 = Date.now();
      const r = await gql(h, a.agent.token, 'mutation($i: SubmitTaskInput!) { submitTask(input: $i) { id status outcome } }', { i: input });
      expect(r.errors, attempt).toBeUndefined();
      expect(r.data!.submitTask, attempt).toMatchObject({ status: 'RUNNING', outcome: null });
      expect(Date.now() - t0, attempt).toBeGreaterThanOrEqual(290);
    }
    expect(h.gateway.started).toHaveLength(1);
  });
});
