/**
 * Durable mode against a scripted GraphQL API: the call becomes submitTask(format: MCP) with the
 * agent's own token, the proxy polls task(id), tells the agent it is waiting for approval, and
 * calls the upstream only once the step is allowed.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createTestServer } from '../fixtures/mcp-test-server.js';
import { DENIAL_META_KEY } from '../../proxy/protocol/tools.js';
import { createProxy } from '../../proxy/start.js';
import { serveAuthenticated } from '../../proxy/transport/stdio.js';
import type { TaskView } from '../../proxy/durable/queries.js';
import { makeKeys, tempDir, TEST_GOVERNANCE } from './helpers.js';

type Script = (call: { query: string; variables: Record<string, unknown>; auth: string | null }) => TaskView | 'down';

async function run(script: Script) {
  const dir = tempDir();
  const keys = await makeKeys(dir);
  const seen: Array<{ query: string; variables: Record<string, unknown>; auth: string | null }> = [];
  const fakeFetch = (async (_url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as { query: string; variables: Record<string, unknown> };
    const call = { ...body, auth: new Headers(init.headers).get('authorization') };
    seen.push(call);
    const task = script(call);
    if (task === 'down') throw new TypeError('fetch failed');
    const field = body.query.includes('submitTask') ? 'submitTask' : 'task';
    return new Response(JSON.stringify({ data: { [field]: task } }), { headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const [up, down] = InMemoryTransport.createLinkedPair();
  await createTestServer().connect(down);
  const proxy = await createProxy({ upstreams: [{ name: 'test', kind: 'transport', transport: up }], mode: 'durable', api: 'http://api.test/graphql', fetch: fakeFetch, pollMs: 5, dataDir: join(dir, 'data'), jwks: keys.jwksPath, governance: TEST_GOVERNANCE, approveAllOnFirstUse: true });
  const token = await keys.token('agent-d', ['util.echo', 'mail.send']);
  const [agentSide, proxySide] = InMemoryTransport.createLinkedPair();
  const served = await serveAuthenticated(proxy.core, proxy.auth, token, proxySide);
  expect(served.ok).toBe(true);
  const client = new Client({ name: 'agent', version: '0' });
  await client.connect(agentSide);
  return { client, seen, token, proxy, close: async () => { await client.close(); await proxy.close(); } };
}

const step = (over: Partial<TaskView['steps'][number]>): TaskView['steps'][number] => ({ stepId: 's', state: 'PENDING', decision: null, reasons: [], approval: null, ...over });

describe('durable mode', () => {
  it('waits for approval with progress notifications, then calls the upstream', async () => {
    let polls = 0;
    const t = await run(({ query }) => {
      if (query.includes('submitTask')) return { id: 'task-1', status: 'RUNNING', steps: [step({ state: 'ASSESSING' })] };
      polls += 1;
      if (polls < 3) return { id: 'task-1', status: 'AWAITING_APPROVAL', steps: [step({ state: 'AWAITING_APPROVAL', decision: 'REQUIRE_APPROVAL', approval: { id: 'ap', status: 'PENDING', expiresAt: '2030-01-01T00:00:00Z' } })] };
      return { id: 'task-1', status: 'RUNNING', steps: [step({ state: 'EXECUTING', decision: 'REQUIRE_APPROVAL', approval: { id: 'ap', status: 'APPROVED', expiresAt: '2030-01-01T00:00:00Z' } })] };
    });
    const progress: string[] = [];
    const r = (await t.client.callTool({ name: 'echo', arguments: { text: 'approved call' } }, undefined, { onprogress: (p) => progress.push(p.message ?? '') })) as CallToolResult;
    expect(r.content[0]).toEqual({ type: 'text', text: 'approved call' });
    expect(progress[0]).toMatch(/approve/);
    const submit = t.seen[0]!;
    expect(submit.auth).toBe(`Bearer ${t.token}`);
    expect(submit.variables.input).toMatchObject({ format: 'MCP', plan: { method: 'tools/call', params: { name: 'echo', arguments: { text: 'approved call' } } } });
    const executed = t.proxy.audit.readAll().find((e) => e.event.type === 'tool.executed');
    expect(executed?.event.data.taskId).toBe('task-1');
    await t.close();
  });

  it('refuses a denied step and never calls the upstream', async () => {
    const t = await run(() => ({ id: 'task-2', status: 'BLOCKED', steps: [step({ state: 'DENIED', decision: 'DENY', reasons: [{ code: 'POLICY_FORBID', message: 'no' }] })] }));
    const r = await t.client.callTool({ name: 'echo', arguments: { text: 'nope' } });
    expect((r._meta?.[DENIAL_META_KEY] as { code: string }).code).toBe('POLICY_DENIED');
    expect(t.proxy.audit.readAll().some((e) => e.event.type === 'tool.executed')).toBe(false);
    await t.close();
  });

  it('fails closed when the API is unreachable', async () => {
    const t = await run(() => 'down');
    const r = await t.client.callTool({ name: 'echo', arguments: { text: 'nope' } });
    expect((r._meta?.[DENIAL_META_KEY] as { code: string }).code).toBe('EVALUATION_FAILED');
    await t.close();
  });
});
