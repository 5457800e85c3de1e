/**
 * @module The pin gate: decides whether an upstream tool may be shown and called, given its pin.
 * Instruction-like content in a description is flagged in the audit and blocks auto-pinning; a
 * changed description or schema (a rug pull) is audited once per new digest as `tool.pin_violation`.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { detectInstructionLikeContent } from '../../governance/provenance/index.js';
import type { AgentIdentity } from '../../governance/types.js';
import type { AuditBuffer } from '../audit/buffer.js';
import { toolDigest, type PinStatus, type PinStore } from './store.js';

export interface PinGate {
  /** The pin status of the tool as listed now; observes it (and auto-pins when allowed) on the way. */
  check(server: string, tool: Tool, who: AgentIdentity): Promise<PinStatus>;
}

export interface PinGateOptions {
  store: PinStore;
  audit: AuditBuffer;
  approveAllOnFirstUse: boolean;
  now?: () => Date;
}

export function createPinGate(opts: PinGateOptions): PinGate {
  const now = opts.now ?? (() => new Date());
  const reported = new Set<string>();
  const digests = new WeakMap<Tool, string>();
  const record = (who: AgentIdentity, type: 'tool.pinned' | 'tool.pin_violation', data: Record<string, unknown>) =>
    opts.audit.append({ tenant: who.tenant, type, actor: { kind: 'system', id: 'interceptor-proxy' }, at: now().toISOString(), data });
  return {
    async check(server, tool, who) {
      let digest = digests.get(tool);
      if (digest === undefined) {
        digest = toolDigest(tool);
        digests.set(tool, digest);
      }
      const status = opts.store.status(server, tool.name, digest);
      if (status === 'approved') return status;
      const before = opts.store.get(server, tool.name);
      if (before?.observed !== digest) {
        const flags = detectInstructionLikeContent(tool.description ?? '').map((s) => s.code);
        opts.store.observe(server, tool.name, digest, [...new Set(flags)], now());
        await record(who, 'tool.pinned', { server, tool: tool.name, digest, action: 'observed', flags, ...(before?.approved ? { approved: before.approved } : {}) });
      }
      const pin = opts.store.get(server, tool.name)!;
      if (status === 'violation') {
        const key = `${server}\u0000${tool.name}\u0000${digest}`;
        if (!reported.has(key)) {
          reported.add(key);
          await record(who, 'tool.pin_violation', { server, tool: tool.name, approved: pin.approved, observed: digest, flags: pin.flags });
        }
        return status;
      }
      if (opts.approveAllOnFirstUse && pin.flags.length === 0) {
        opts.store.approve(server, tool.name, 'auto:first-use', now());
        await record(who, 'tool.pinned', { server, tool: tool.name, digest, action: 'approved', approvedBy: 'auto:first-use' });
        return 'approved';
      }
      return 'unapproved';
    },
  };
}
