/**
 * End to end over HTTP GraphQL against the real stack (embedded Temporal service, worker, API) on
 * PGlite and, when DATABASE_URL is set, on Postgres: the governed path as agents and approvers use it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../db/helpers.js';
import { ADMIN_TOKEN, createStack, eventually, gql, gqlOk, type Stack } from './stack.js';

const TASK = `query($id: ID!) { task(id: $id) { id status outcome reasons { code message }
  steps { stepId tool state decision executed reasons { code message retryAt } determiningPolicies approval { id status } result error { code message } } } }`;
const SUBMIT = `mutation($input: SubmitTaskInput!) { submitTask(input: $input) { id status steps { stepId state decision } } }`;

interface StepOut { stepId: string; tool: string; state: string; decision: string | null; executed: boolean; reasons: { code: string; message: string; retryAt: string | null }[]; approval: { id: string; status: string } | null; result: unknown }
interface TaskOut { id: string; status: string; outcome: string | null; reasons: { code: string }[]; steps: StepOut[] }

async function registerAgent(url: string, tenant: string, name: string, capabilities: string[], actingFor: string[] = []): Promise<{ id: string; token: string }> {
  const d = await gqlOk<{ registerAgent: { agent: { id: string }; credential: { token: string } } }>(url, ADMIN_TOKEN,
    `mutation($i: RegisterAgentInput!) { registerAgent(input: $i) { agent { id } credential { token } } }`,
    { i: { name, capabilities, tenant, actingFor } });
  return { id: d.registerAgent.agent.id, token: d.registerAgent.credential.token };
}

async function apiKey(url: string, tenant: string, subject: string, roles: string[]): Promise<string> {
  const d = await gqlOk<{ issueApiKey: { key: string } }>(url, ADMIN_TOKEN, `mutation($i: IssueApiKeyInput!) { issueApiKey(input: $i) { key } }`, { i: { subject, roles, tenant } });
  return d.issueApiKey.key;
}

async function submit(url: string, token: string, input: Record<string, unknown>): Promise<string> {
  return (await gqlOk<{ submitTask: { id: string } }>(url, token, SUBMIT, { input })).submitTask.id;
}

async function task(url: string, token: string, id: string): Promise<TaskOut> {
  return (await gqlOk<{ task: TaskOut }>(url, token, TASK, { id })).task;
}

async function finished(url: string, token: string, id: string, timeoutMs = 45_000): Promise<TaskOut> {
  return eventually(async () => {
    const t = await task(url, token, id);
    return t.outcome ? t : null;
  }, timeoutMs, `task ${id} to finish`);
}

async function awaitingApproval(url: string, token: string, id: string): Promise<StepOut> {
  return eventually(async () => (await task(url, token, id)).steps.find((s) => s.approval?.status === 'PENDING'), 45_000, 'a pending approval');
}

const plan = (steps: unknown[]) => ({ planId: `p-${Math.random().toString(36).slice(2)}`, goal: 'e2e', steps });

describe.each(backends())('governed tasks end to end on %s', (backend) => {
  let stack: Stack;
  let agent: { id: string; token: string };
  let approver: string;
  // the seeded demo tenant: demo tools, the default policy pack and a demo budget
  const tenant = 'demo';

  beforeAll(async () => {
    // why a 10 s run_sql limit: the slow-query test must see a quick task finish while its query sleeps
    stack = await createStack({ backend, env: { APPROVAL_TIMEOUT: '5m', RUN_SQL_TIMEOUT: '10s' } });
    await stack.start();
    agent = await registerAgent(stack.url, tenant, 'e2e-agent', ['files:read', 'files:write', 'email:send', 'sql:read'], ['alice@demo.test']);
    approver = await apiKey(stack.url, tenant, 'bob@demo.test', ['APPROVER', 'INVESTIGATOR']);
  }, 180_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  it('executes an allowed step and the tool really acts', async () => {
    const id = await submit(stack.url, agent.token, { goal: 'write a note', plan: plan([{ stepId: 'w', tool: 'write_file', args: { path: 'notes/hello.txt', content: 'hello from e2e' } }]) });
    const t = await finished(stack.url, agent.token, id);
    expect(t.outcome).toBe('COMPLETED');
    expect(t.steps[0]).toMatchObject({ state: 'EXECUTED', decision: 'ALLOW', executed: true });
    expect(await readFile(join(stack.dataDir, 'sandbox', tenant, 'notes/hello.txt'), 'utf8')).toBe('hello from e2e');
  });

  it('answers submitTask with the outcome when asked to wait for it, and stops waiting at a step held for a person', async () => {
    const SUBMIT_OUT = 'mutation($input: SubmitTaskInput!) { submitTask(input: $input) { id status outcome steps { state executed } } }';
    type Out = { submitTask: { id: string; status: string; outcome: string | null; steps: { state: string; executed: boolean }[] } };
    const done = await gqlOk<Out>(stack.url, agent.token, SUBMIT_OUT, { input: { goal: 'one round trip', wait: 'OUTCOME', plan: plan([{ stepId: 'w', tool: 'write_file', args: { path: 'notes/waited.txt', content: 'waited' } }]) } });
    expect(done.submitTask).toMatchObject({ status: 'COMPLETED', outcome: 'COMPLETED', steps: [{ state: 'EXECUTED', executed: true }] });
    expect(await readFile(join(stack.dataDir, 'sandbox', tenant, 'notes/waited.txt'), 'utf8')).toBe('waited');
    // a person decides in minutes, not within one request: the answer comes at once, awaiting approval
    const t0 = Date.now();
    const held = await gqlOk<Out>(stack.url, agent.token, SUBMIT_OUT, { input: { goal: 'held', wait: 'OUTCOME', plan: plan([{ stepId: 'm', tool: 'send_email', args: { to: 'hal@partner.test', subject: 'x', body: 'y' } }]) } });
    expect(held.submitTask).toMatchObject({ status: 'AWAITING_APPROVAL', outcome: null, steps: [{ state: 'AWAITING_APPROVAL' }] });
    expect(Date.now() - t0).toBeLessThan(8_000);
    await gqlOk(stack.url, agent.token, 'mutation($id: ID!) { cancelTask(id: $id, reason: "done with the test") { id } }', { id: held.submitTask.id });
    const bad = await gql(stack.url, agent.token, SUBMIT_OUT, { input: { goal: 'x', wait: 'FOREVER', plan: plan([]) } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'input.wait', message: expect.stringContaining('FOREVER') }] });
  });

  it('stops a slow run_sql at its time limit while other tasks go on', async () => {
    // on PGlite the query runs in the sandbox thread (PGlite keeps no statement timeout); on Postgres the timeout holds.
    // A first query starts the sandbox, so that the slow one below is sleeping by the time the quick task arrives.
    const warm = await finished(stack.url, agent.token, await submit(stack.url, agent.token, { goal: 'count', plan: plan([{ stepId: 'q', tool: 'run_sql', args: { query: 'SELECT count(*)::int AS n FROM customers' } }]) }));
    expect(warm.steps[0]).toMatchObject({ state: 'EXECUTED', result: { rows: [{ n: 5 }] } });
    const slow = await submit(stack.url, agent.token, { goal: 'slow query', plan: plan([{ stepId: 'q', tool: 'run_sql', args: { query: 'SELECT pg_sleep(60) AS slept' } }]) });
    await new Promise((r) => setTimeout(r, 1_000));
    const quick = await submit(stack.url, agent.token, { goal: 'meanwhile', plan: plan([{ stepId: 'w', tool: 'write_file', args: { path: 'notes/meanwhile.txt', content: 'not held' } }]) });
    expect((await finished(stack.url, agent.token, quick)).outcome).toBe('COMPLETED');
    const stopped = await finished(stack.url, agent.token, slow);
    expect(stopped.steps[0]).toMatchObject({ state: 'FAILED', executed: false, error: { code: 'QUERY_REFUSED', message: expect.stringContaining('timeout') } });
    const at = async (id: string) => Date.parse((await gqlOk<{ task: { completedAt: string } }>(stack.url, agent.token, `query($id: ID!) { task(id: $id) { completedAt } }`, { id })).task.completedAt);
    // the quick task was not held behind the sleeping query (PGlite on the application's thread used to run it to its end)
    expect(await at(quick)).toBeLessThan(await at(slow));
  }, 120_000);

  it('denies a step with reasons and skips its dependants', async () => {
    const id = await submit(stack.url, agent.token, {
      goal: 'escape the sandbox',
      plan: plan([
        { stepId: 'r', tool: 'read_file', args: { path: '../../etc/passwd' } },
        { stepId: 'w', tool: 'write_file', args: { path: 'copy.txt', content: '{{steps.r.output.content}}' }, dependsOn: ['r'] },
      ]),
    });
    const t = await finished(stack.url, agent.token, id);
    expect(t.outcome).toBe('BLOCKED');
    const [r, w] = t.steps;
    expect(r).toMatchObject({ state: 'DENIED', decision: 'DENY', executed: false });
    expect(r!.reasons.map((x) => x.code)).toContain('PATH_TRAVERSAL');
    expect(w).toMatchObject({ state: 'SKIPPED', executed: false });
    expect(w!.reasons[0]!.message).toContain('`r`');
  });

  it('holds an external e-mail for approval and sends it once approved', async () => {
    const id = await submit(stack.url, agent.token, { goal: 'mail a partner', plan: plan([{ stepId: 'm', tool: 'send_email', args: { to: 'carol@partner.test', subject: 'hi', body: 'quarterly numbers attached' } }]) });
    const held = await awaitingApproval(stack.url, agent.token, id);
    expect(held.decision).toBe('REQUIRE_APPROVAL');
    const d = await gqlOk<{ decideApproval: { status: string; decidedBy: string } }>(stack.url, approver,
      `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { status decidedBy } }`, { i: { approvalId: held.approval!.id, decision: 'APPROVE', reason: 'partner is known' } });
    expect(d.decideApproval.status).toBe('APPROVED');
    const t = await finished(stack.url, agent.token, id);
    expect(t.outcome).toBe('COMPLETED');
    expect(t.steps[0]).toMatchObject({ state: 'EXECUTED', executed: true });
    // a second decision on the same approval is refused
    const again = await gql(stack.url, approver, `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { status } }`, { i: { approvalId: held.approval!.id, decision: 'DENY', reason: 'changed my mind' } });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('denies a held step when the approver denies it, and refuses a mis-bound decision', async () => {
    const id = await submit(stack.url, agent.token, { goal: 'mail a stranger', plan: plan([{ stepId: 'm', tool: 'send_email', args: { to: 'eve@evil.test', subject: 'data', body: 'customer list' } }]) });
    const held = await awaitingApproval(stack.url, agent.token, id);
    const wrongBinding = await gql(stack.url, approver, `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { status } }`, { i: { approvalId: held.approval!.id, decision: 'APPROVE', reason: 'ok', binding: 'f'.repeat(64) } });
    expect(wrongBinding.errors?.[0]?.extensions?.code).toBeDefined();
    expect(wrongBinding.errors?.[0]?.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
    await gqlOk(stack.url, approver, `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { status } }`, { i: { approvalId: held.approval!.id, decision: 'DENY', reason: 'unknown recipient' } });
    const t = await finished(stack.url, agent.token, id);
    expect(t.outcome).toBe('BLOCKED');
    expect(t.steps[0]).toMatchObject({ state: 'DENIED', executed: false });
    expect(t.steps[0]!.reasons.map((r) => r.code)).toContain('APPROVAL_DENIED');
  });

  it('refuses approval by the user the agent acts for (separation of duties)', async () => {
    const self = await apiKey(stack.url, tenant, 'alice@demo.test', ['APPROVER']);
    const id = await submit(stack.url, agent.token, { goal: 'self approval', plan: plan([{ stepId: 'm', tool: 'send_email', args: { to: 'frank@partner.test', subject: 'a', body: 'b' } }]) });
    const held = await awaitingApproval(stack.url, agent.token, id);
    const r = await gql(stack.url, self, `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { status } }`, { i: { approvalId: held.approval!.id, decision: 'APPROVE', reason: 'me' } });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await gqlOk(stack.url, agent.token, `mutation($id: ID!) { cancelTask(id: $id, reason: "cleanup") { id } }`, { id });
    expect((await finished(stack.url, agent.token, id)).outcome).toBe('CANCELLED');
  });

  it('denies a step once the budget is exhausted, naming the budget', async () => {
    const spender = await registerAgent(stack.url, tenant, 'spender', ['files:write']);
    await gqlOk(stack.url, ADMIN_TOKEN, `mutation($i: SetBudgetInput!) { setBudget(input: $i) { id } }`, { i: { tenant, scope: 'AGENT', scopeId: spender.id, metric: 'TOOL_CALLS', window: 'DAY', limit: 1 } });
    const id = await submit(stack.url, spender.token, { goal: 'two writes', plan: plan([
      { stepId: 'a', tool: 'write_file', args: { path: 'a.txt', content: 'a' } },
      { stepId: 'b', tool: 'write_file', args: { path: 'b.txt', content: 'b' }, dependsOn: ['a'] },
    ]) });
    const t = await finished(stack.url, spender.token, id);
    expect(t.outcome).toBe('PARTIALLY_BLOCKED');
    expect(t.steps.find((s) => s.stepId === 'a')).toMatchObject({ state: 'EXECUTED' });
    const b = t.steps.find((s) => s.stepId === 'b')!;
    expect(b.state).toBe('DENIED');
    const budgetReason = b.reasons.find((r) => r.code === 'BUDGET_EXCEEDED');
    expect(budgetReason?.message).toMatch(/^budget `[^`]+` \(agent tool_calls per day, limit 1\)/);
    // a day budget says when asking again can succeed: the next UTC midnight
    const now = new Date();
    const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();
    expect(budgetReason).toMatchObject({ retryAt: midnight, message: expect.stringContaining(`resets by ${midnight}`) });
  });

  it('refuses forged, expired and foreign tokens', async () => {
    const parts = agent.token.split('.');
    const forged = [parts[0], Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()), capabilities: ['*'] })).toString('base64url'), parts[2]].join('.');
    for (const token of [forged, 'not-a-token', `${agent.token}x`, 'ik_doesnotexist0000000000000000000000000000']) {
      const r = await gql(stack.url, token, `{ viewer { id } }`);
      expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const noToken = await gql(stack.url, null, `{ viewer { id } }`);
    expect(noToken.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('keeps tenants apart: an investigator of one tenant cannot read another tenant\'s task', async () => {
    const id = await submit(stack.url, agent.token, { goal: 'private', plan: plan([{ stepId: 'w', tool: 'write_file', args: { path: 'p.txt', content: 'p' } }]) });
    const other = await apiKey(stack.url, 'globex', 'mallory@globex.test', ['INVESTIGATOR', 'APPROVER', 'ADMIN']);
    const r = await gql<{ task: unknown }>(stack.url, other, TASK, { id });
    expect(r.data?.task ?? null).toBeNull();
    const list = await gqlOk<{ tasks: { edges: unknown[] } }>(stack.url, other, `{ tasks(first: 50) { edges { node { id } } } }`);
    expect(list.tasks.edges).toHaveLength(0);
  });

  it('rejects malformed plans in each format with the field named, starting nothing', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['NATIVE', { plan: { goal: 'x', steps: [{ stepId: 'a', tool: 'read_file', args: {}, dependsOn: ['missing'] }] } }],
      ['OPENAI_CHAT', { plan: { choices: [{ message: { tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{not json' } }] } }] } }],
      ['OPENAI_RESPONSES', { plan: { output: [{ type: 'function_call', call_id: 'c1', name: 'read_file', arguments: '[1,' }] } }],
      ['ANTHROPIC', { plan: { content: [{ type: 'tool_use', id: 't1', name: 'read_file', input: 'not an object' }] } }],
      ['MCP', { plan: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { arguments: {} } } }],
      ['TEXT', { rawAgentOutput: 'I will now read the file, trust me.' }],
    ];
    const before = await gqlOk<{ tasks: { totalCount: number } }>(stack.url, approver, `{ tasks(first: 1) { totalCount } }`);
    for (const [format, input] of cases) {
      const r = await gql(stack.url, agent.token, SUBMIT, { input: { goal: 'bad', format, ...input } });
      expect(r.errors?.[0]?.extensions?.code, format).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.extensions?.issues?.[0]?.path, format).toMatch(/^input\./);
    }
    const after = await gqlOk<{ tasks: { totalCount: number } }>(stack.url, approver, `{ tasks(first: 1) { totalCount } }`);
    expect(after.tasks.totalCount).toBe(before.tasks.totalCount);
  });

  it('survives kill -9 of the whole process while a step awaits approval, then acts exactly once', async () => {
    const id = await submit(stack.url, agent.token, { goal: 'durable', plan: plan([{ stepId: 'm', tool: 'send_email', args: { to: 'gina@partner.test', subject: 'durable', body: 'once' } }]) });
    const held = await awaitingApproval(stack.url, agent.token, id);
    await stack.kill('SIGKILL');
    await stack.start();
    await gqlOk(stack.url, approver, `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { status } }`, { i: { approvalId: held.approval!.id, decision: 'APPROVE', reason: 'after restart' } });
    const t = await finished(stack.url, agent.token, id, 60_000);
    expect(t.outcome).toBe('COMPLETED');
    const audit = await gqlOk<{ auditEvents: { edges: { node: { type: string } }[] } }>(stack.url, approver, `query($id: ID!) { auditEvents(taskId: $id, first: 100) { edges { node { type } } } }`, { id });
    expect(audit.auditEvents.edges.filter((e) => e.node.type === 'tool.executed')).toHaveLength(1);
  });
});

describe('kill -9 in the middle of a quick tool', () => {
  let stack: Stack;
  beforeAll(async () => {
    // why a 20 s lease: the restarted worker must find the dead attempt's claim still held (the
    // workflow task it died in times out after 10 s), however long the restart takes here
    // and a 15 s run_sql limit: the 6 s query below must still be running when the process is killed
    stack = await createStack({ backend: 'pglite', env: { TOOL_LEASE: '20s', RUN_SQL_TIMEOUT: '15s' } });
    await stack.start();
  }, 180_000);
  afterAll(async () => {
    await stack?.dispose();
  });

  it('runs the task on after a restart: the held claim is taken over when its lease ends, and the tool is recorded once', async () => {
    const agent = await registerAgent(stack.url, 'demo', 'crash-agent', ['sql:read']);
    const input = { goal: 'slow query', idempotencyKey: 'crash-mid-tool', plan: plan([{ stepId: 'q', tool: 'run_sql', args: { query: 'SELECT pg_sleep(6) AS slept' } }]) };
    // the whole task is one workflow task; once its step runs, the query is sleeping inside the tool
    const inFlight = gql(stack.url, agent.token, SUBMIT, { input }).catch(() => null);
    await new Promise((r) => setTimeout(r, 2_000));
    await stack.kill('SIGKILL');
    await inFlight;
    await stack.start();
    // the same idempotency key answers the task the first submit recorded
    const id = await submit(stack.url, agent.token, input);
    // why the catch: a poll may reuse a keep-alive connection just as the server closes it
    const t = await eventually(async () => {
      const now = await task(stack.url, agent.token, id).catch(() => null);
      return now?.outcome ? now : null;
    }, 90_000, `task ${id} to finish`);
    expect(t.outcome).toBe('COMPLETED');
    expect(t.steps[0]).toMatchObject({ state: 'EXECUTED', executed: true });
    const investigator = await apiKey(stack.url, 'demo', 'ivy@demo.test', ['INVESTIGATOR']);
    const audit = await gqlOk<{ auditEvents: { edges: { node: { type: string } }[] } }>(stack.url, investigator, `query($id: ID!) { auditEvents(taskId: $id, first: 100) { edges { node { type } } } }`, { id });
    expect(audit.auditEvents.edges.filter((e) => e.node.type === 'tool.executed')).toHaveLength(1);
    // the restarted worker found the dead attempt's claim held and waited for its lease (a retried attempt)
    const replayed = await gqlOk<{ replay: { summary: { retries: { byActivity: Record<string, number> } } } }>(stack.url, investigator, `query($id: ID!) { replay(taskId: $id) { summary } }`, { id });
    expect(replayed.replay.summary.retries.byActivity.executeQuickTool).toBeGreaterThanOrEqual(1);
  }, 150_000);
});

describe('approval expiry end to end', () => {
  let stack: Stack;
  let agent: { id: string; token: string };
  beforeAll(async () => {
    // and a low rate limit (20 a second): the expiry test polls at 5 a second, the rate test needs a refusal for sure
    stack = await createStack({ backend: 'pglite', env: { APPROVAL_TIMEOUT: '3s', API_RATE_LIMIT: '20/s' } });
    await stack.start();
    agent = await registerAgent(stack.url, 'demo', 'expiry-agent', ['email:send']);
  }, 180_000);
  afterAll(async () => {
    await stack?.dispose();
  });

  it('turns an approval nobody decides into a deny when it expires', async () => {
    const id = await submit(stack.url, agent.token, { goal: 'mail and wait', plan: plan([{ stepId: 'm', tool: 'send_email', args: { to: 'dan@partner.test', subject: 'x', body: 'y' } }]) });
    await awaitingApproval(stack.url, agent.token, id);
    const t = await finished(stack.url, agent.token, id, 60_000);
    expect(t.outcome).toBe('BLOCKED');
    expect(t.steps[0]!.approval?.status).toBe('EXPIRED');
    expect(t.steps[0]!.reasons.map((r) => r.code)).toContain('APPROVAL_EXPIRED');
  });

  it('limits each credential\'s request rate (API_RATE_LIMIT)', async () => {
    const loud = await registerAgent(stack.url, 'demo', 'loud-agent', ['files:read']);
    const one = async () => {
      const res = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${loud.token}` }, body: JSON.stringify({ query: '{ viewer { id } }' }) });
      await res.arrayBuffer();
      return { status: res.status, retryAfter: res.headers.get('retry-after') };
    };
    // 120 at once against 20 a second with a burst of 40: refusals unless answering them took over 4 s
    const statuses = await Promise.all(Array.from({ length: 120 }, one));
    const refused = statuses.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(statuses.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(40);
    expect(statuses.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    expect(Number(refused[0]!.retryAfter)).toBeGreaterThanOrEqual(1);
    // another agent is not held back by the loud one
    expect((await gql(stack.url, agent.token, `{ viewer { id } }`)).errors).toBeUndefined();
  });

});
