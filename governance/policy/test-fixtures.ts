/** @module Request builders shared by the policy tests and the benchmark (no test framework imports). */
import type { CallFacts, PolicyRequest, PolicyTool } from './types.js';

export const SEND_EMAIL: PolicyTool = { name: 'send_email', riskLevel: 'high', sideEffect: 'external', requiredCapability: 'email:send' };
export const READ_FILE: PolicyTool = { name: 'read_file', riskLevel: 'low', sideEffect: 'read', requiredCapability: 'files:read' };

export const NOW = new Date('2026-03-04T10:15:00Z');

/** A call_tool request with sensible defaults; `over` replaces top-level parts, `call` merges into the call facts. */
export function callRequest(over: { tool?: PolicyTool; capabilities?: string[]; actingFor?: string[]; agentId?: string; call?: Partial<CallFacts>; now?: Date } = {}): PolicyRequest {
  return {
    action: 'call_tool',
    principal: { agentId: over.agentId ?? 'agent-1', tenant: 'demo', capabilities: over.capabilities ?? ['email:send', 'files:read'], actingFor: over.actingFor ?? ['alice'] },
    tool: over.tool ?? SEND_EMAIL,
    call: {
      args: { to: 'bob@example.com', subject: 'hi', body: 'hello' },
      tainted: false,
      taintSources: [],
      lowestTrust: 'internal',
      risk: { score: 10, level: 'low' },
      injectionSignals: 0,
      ...over.call,
    },
    now: over.now ?? NOW,
  };
}
