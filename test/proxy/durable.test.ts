/**
 * Durable mode when the API cannot be reached: the call is refused (fail closed) and the upstream is
 * never called. The governed path itself is tested against the real API in durable-real.test.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { verdictOf } from '../../proxy/durable/index.js';
import { DENIAL_META_KEY } from '../../proxy/protocol/tools.js';
import { createProxy } from '../../proxy/start.js';
import { serveAuthenticated } from '../../proxy/transport/stdio.js';
import { createTestServer } from '../fixtures/mcp-test-server.js';
import { freePort } from '../support/free-port.js';
import { makeKeys, tempDir, TEST_GOVERNANCE } from './helpers.js';

describe('durable mode', () => {
  it('fails closed when the API is unreachable, and never calls the upstream', async () => {
    const dir = tempDir();
    const keys = await makeKeys(dir);
    const [up, down] = InMemoryTransport.createLinkedPair();
    // the fixture server appends every tool it runs to MCP_TEST_LOG
    const effects = join(dir, 'effects.jsonl');
    process.env.MCP_TEST_LOG = effects;
    await createTestServer().connect(down);
    const api = `http://127.0.0.1:${await freePort()}/graphql`;
    const proxy = await createProxy({ upstreams: [{ name: 'test', kind: 'transport', transport: up }], mode: 'durable', api, dataDir: join(dir, 'data'), jwks: keys.jwksPath, governance: TEST_GOVERNANCE, approveAllOnFirstUse: true });
    const [agentSide, proxySide] = InMemoryTransport.createLinkedPair();
    expect((await serveAuthenticated(proxy.core, proxy.auth, await keys.token('agent-d', ['util.echo']), proxySide)).ok).toBe(true);
    const client = new Client({ name: 'agent', version: '0' });
    await client.connect(agentSide);
    const r = await client.callTool({ name: 'echo', arguments: { text: 'nope' } });
    expect(r.isError).toBe(true);
    expect((r._meta?.[DENIAL_META_KEY] as { code: string }).code).toBe('EVALUATION_FAILED');
    expect(proxy.audit.readAll().some((e) => e.event.type === 'tool.executed')).toBe(false);
    expect(existsSync(effects)).toBe(false);
    await client.close();
    await proxy.close();
    delete process.env.MCP_TEST_LOG;
  });

  it('allows only a READY step; decisions, approvals and ended tasks map to refusals', () => {
    const step = (over: Record<string, unknown>) => ({ stepId: 's', state: 'PENDING', decision: null, reasons: [], approval: null, ...over });
    expect(verdictOf({ id: 't', status: 'RUNNING', steps: [step({ state: 'EXECUTING', decision: 'ALLOW' })] })).toBeUndefined();
    expect(verdictOf({ id: 't', status: 'RUNNING', steps: [step({ state: 'READY', decision: 'ALLOW' })] })).toEqual({ decision: 'ALLOW' });
    expect(verdictOf({ id: 't', status: 'AWAITING_APPROVAL', steps: [step({ state: 'AWAITING_APPROVAL', decision: 'REQUIRE_APPROVAL', approval: { id: 'a', status: 'PENDING', expiresAt: 'x' } })] })).toBeUndefined();
    expect(verdictOf({ id: 't', status: 'BLOCKED', steps: [step({ state: 'DENIED', decision: 'REQUIRE_APPROVAL', approval: { id: 'a', status: 'EXPIRED', expiresAt: 'x' } })] })?.decision).toBe('DENY');
    expect(verdictOf({ id: 't', status: 'BLOCKED', steps: [step({ state: 'DENIED', decision: 'DENY', reasons: [{ code: 'BUDGET_EXCEEDED', message: 'spent' }] })] })).toMatchObject({ decision: 'DENY', code: 'BUDGET_EXCEEDED' });
  });
});
