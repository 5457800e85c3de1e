/** `interceptor proxy` as the CLI runs it: serving over HTTP, pins administration, audit verify, argument errors. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { writeFileSync } from 'node:fs';
import { runProxyCli, type CliIo } from '../../proxy/cli.js';
import { agent, makeKeys, tempDir, TEST_GOVERNANCE, TEST_SERVER } from './helpers.js';

function io(until?: Promise<void>): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => errors.push(l), env: {}, lines, errors, ...(until ? { until } : {}) };
}

describe('interceptor proxy', () => {
  it('exits 2 with the flag named when arguments are wrong', async () => {
    const r = io();
    expect(await runProxyCli(['--upstream', 'x'], r)).toBe(2);
    expect(r.errors[0]).toMatch(/`jwks`/);
  });

  it('serves over HTTP, then an admin approves a tool that was held back', async () => {
    const dir = tempDir();
    const keys = await makeKeys(dir);
    const data = join(dir, 'data');
    const tools = join(dir, 'tools.json');
    writeFileSync(tools, JSON.stringify(TEST_GOVERNANCE));
    let stop!: () => void;
    const r = io(new Promise<void>((resolve) => (stop = resolve)));
    const exit = runProxyCli(['--upstream', `test=${process.execPath} --import tsx ${TEST_SERVER}`, '--listen', '127.0.0.1:0', '--jwks', keys.jwksPath, '--tools', tools, '--data-dir', data], r);
    await expect.poll(() => r.errors.join('\n'), { timeout: 20_000 }).toMatch(/listening on/);
    const url = /listening on (\S+)/.exec(r.errors.join('\n'))![1]!;
    const c = await agent(url, await keys.token('cli-agent', ['util.echo']));
    expect((await c.listTools()).tools).toEqual([]);
    expect(((await c.callTool({ name: 'echo', arguments: { text: 'x' } })) as CallToolResult).isError).toBe(true);
    const admin = io();
    expect(await runProxyCli(['pins', 'approve', 'test', 'echo', '--data-dir', data], admin)).toBe(0);
    expect(admin.lines[0]).toMatch(/approved `test` `echo`/);
    expect((await c.listTools()).tools.map((t) => t.name)).toEqual(['echo']);
    const ok = (await c.callTool({ name: 'echo', arguments: { text: 'approved' } })) as CallToolResult;
    expect(ok.content[0]).toEqual({ type: 'text', text: 'approved' });
    await c.close();
    stop();
    expect(await exit).toBe(0);
    const verify = io();
    expect(await runProxyCli(['audit', 'verify', '--data-dir', data], verify)).toBe(0);
    expect(verify.lines[0]).toMatch(/^intact: \d+ events$/);
    const ship = io();
    expect(await runProxyCli(['pins', 'approve', 'test', 'never_seen', '--data-dir', data], ship)).toBe(1);
    expect(ship.errors[0]).toMatch(/has not been seen/);
  }, 40_000);
});
