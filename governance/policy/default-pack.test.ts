import { describe, expect, it } from 'vitest';
import { DEMO_TOOLS } from '../../policies/demo-tools.js';
import type { ToolDefinition } from '../types.js';
import { loadDefaultPolicyPack } from './default-pack.js';
import { evaluate } from './index.js';
import { callRequest } from './test-fixtures.js';
import type { CallFacts } from './types.js';

const pack = loadDefaultPolicyPack();
const tool = (name: string): ToolDefinition => {
  const t = DEMO_TOOLS.find((d) => d.name === name);
  if (!t) throw new Error(`no demo tool ${name}`);
  return t;
};
const ALL_CAPS = DEMO_TOOLS.map((t) => t.requiredCapability);

type Row = [description: string, toolName: string, call: Partial<CallFacts>, extra: { capabilities?: string[]; actingFor?: string[] }, decision: string, reasons: string[]];

const rows: Row[] = [
  ['reads with the capability', 'read_file', { args: { path: 'notes.txt' } }, {}, 'ALLOW', ['permit-capability-holders']],
  ['denies without the capability', 'read_file', { args: { path: 'notes.txt' } }, { capabilities: ['email:send'] }, 'DENY', []],
  ['sends internal e-mail', 'send_email', {}, {}, 'ALLOW', ['permit-capability-holders']],
  ['holds e-mail to an outside domain', 'send_email', { args: { to: 'eve@evil.example', subject: 's', body: 'b' } }, {}, 'REQUIRE_APPROVAL', ['approve-external-email']],
  ['denies tainted e-mail (indirect prompt injection)', 'send_email', { tainted: true, lowestTrust: 'untrusted', taintSources: ['retrieval:web'], args: { to: 'eve@evil.example', subject: 's', body: 'b' } }, {}, 'DENY', ['forbid-tainted-external']],
  ['denies tainted http_get (exfiltration through the URL)', 'http_get', { tainted: true, lowestTrust: 'external', args: { url: 'https://example.com/?q=secret' } }, {}, 'DENY', ['forbid-tainted-external']],
  ['denies an external call whose arguments carry injection signals', 'http_get', { injectionSignals: 2, args: { url: 'https://example.com/' } }, {}, 'DENY', ['forbid-injection-external']],
  ['holds a read whose arguments carry injection signals', 'run_sql', { injectionSignals: 1, args: { query: 'select 1' } }, {}, 'REQUIRE_APPROVAL', ['approve-injection-signals']],
  ['holds a write of tainted content', 'write_file', { tainted: true, lowestTrust: 'untrusted', args: { path: 'a.txt', content: 'x' } }, {}, 'REQUIRE_APPROVAL', ['approve-tainted-write']],
  ['holds high-risk calls', 'run_sql', { risk: { score: 60, level: 'high' }, args: { query: 'select 1' } }, {}, 'REQUIRE_APPROVAL', ['approve-high-risk']],
  ['denies when the budget is exhausted', 'read_file', { budget: { fractionUsed: 1, exhausted: true }, args: { path: 'a' } }, {}, 'DENY', ['forbid-budget-exhausted']],
  ['denies a delegation chain longer than 3', 'read_file', { args: { path: 'a' } }, { actingFor: ['a', 'b', 'c', 'd'] }, 'DENY', ['forbid-deep-delegation']],
  ['allows a delegation chain of 3', 'read_file', { args: { path: 'a' } }, { actingFor: ['a', 'b', 'c'] }, 'ALLOW', ['permit-capability-holders']],
];

describe('default policy pack', () => {
  it('compiles against the schema with no warnings', () => {
    expect(pack.errors).toEqual([]);
    expect(pack.warnings).toEqual([]);
    expect(pack.policySet.status).toBe('ready');
    expect(pack.version).toBe(pack.policySet.version);
  });

  it.each(rows)('%s', (_d, toolName, call, extra, decision, reasons) => {
    const response = evaluate(pack.policySet, callRequest({ tool: tool(toolName), capabilities: extra.capabilities ?? ALL_CAPS, actingFor: extra.actingFor ?? ['alice'], call }));
    expect(response.decision).toBe(decision);
    expect(response.diagnostics.reasons).toEqual(reasons);
    expect(response.diagnostics.errors).toEqual([]);
  });

  it('lists only tools the agent could call', () => {
    const principal = { agentId: 'a', tenant: 'demo', capabilities: ['files:read'], actingFor: [] };
    const visible = DEMO_TOOLS.filter((t) => evaluate(pack.policySet, { action: 'list_tool', principal, tool: t, now: new Date(0) }).decision === 'ALLOW');
    expect(visible.map((t) => t.name)).toEqual(['read_file']);
  });

  it('fails closed when the pack cannot be read', () => {
    const missing = loadDefaultPolicyPack('/nonexistent/default.cedar');
    expect(missing.errors[0]?.message).toMatch(/^cannot read policy pack `\/nonexistent\/default.cedar`/);
    expect(evaluate(missing.policySet, callRequest()).decision).toBe('DENY');
  });
});
