/**
 * @module tools/list and tools/call through governance. Listing shows a tool only when it is
 * configured, pinned, its capability is held and policy (`list_tool`) allows it. A call is decided
 * by the governor before the upstream sees it.
 *
 * Denials are tool results with `isError: true` (not protocol errors): the model reads the refusal
 * and can adapt, clients show it like any tool failure, and protocol errors stay reserved for
 * malformed requests (InvalidParams) and upstream failures. The text is a short code and the
 * reasons' messages; `_meta["interceptor/denial"]` carries the same as data. Full diagnostics go to audit only.
 */
import type { CallToolRequest, CallToolResult, ListToolsResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { CallToolResultSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { evaluate } from '../../governance/policy/index.js';
import { mappingFor } from '../config.js';
import type { DenyCode, GovernedCall } from '../enforce/types.js';
import { stringsOf } from '../enforce/taint.js';
import { route, upstreamCall, type ProxyCore } from './core.js';
import { exposedName } from './names.js';
import type { ProxySession } from './session.js';

export const DENIAL_META_KEY = 'interceptor/denial';

async function visible(core: ProxyCore, session: ProxySession, server: string, tool: Tool): Promise<boolean> {
  const m = mappingFor(core.governance, server, tool.name);
  if (!m || !session.identity.capabilities.includes(m.requiredCapability)) return false;
  const decision = evaluate(core.policy(), {
    action: 'list_tool',
    principal: session.identity,
    tool: { name: tool.name, riskLevel: m.riskLevel, sideEffect: m.sideEffect, requiredCapability: m.requiredCapability, server },
    now: core.now(),
  });
  if (decision.decision !== 'ALLOW') return false;
  return (await core.pins.check(server, tool, session.identity)) === 'approved';
}

/** The tools this agent may see, across every reachable upstream (one that fails to list is left out). */
export async function listTools(core: ProxyCore, session: ProxySession): Promise<ListToolsResult> {
  const out: Tool[] = [];
  for (const [server, upstream] of core.upstreams) {
    upstream.invalidate();
    let tools: Tool[];
    try {
      tools = await upstream.tools();
    } catch {
      continue;
    }
    for (const tool of tools) {
      if (await visible(core, session, server, tool)) out.push({ ...tool, name: exposedName(server, tool.name, core.multi) });
    }
  }
  return { tools: out };
}

export function denial(code: DenyCode | 'TOOL_NOT_APPROVED', reasons: readonly { code: string; message: string; retryAt?: string | null }[]): CallToolResult {
  const text = `denied: ${code}${reasons.length > 0 ? `: ${reasons.map((r) => r.message).join('; ')}` : ''}`;
  // why retryAt: an agent refused for an exhausted budget learns when to ask again instead of retrying at once
  const data = reasons.map((r) => ({ code: r.code, message: r.message, ...(typeof r.retryAt === 'string' ? { retryAt: r.retryAt } : {}) }));
  return { isError: true, content: [{ type: 'text', text }], _meta: { [DENIAL_META_KEY]: { code, reasons: data } } };
}

export interface CallExtra {
  signal: AbortSignal;
  progressToken?: string | number | undefined;
  sendProgress(progress: number, message?: string): Promise<void>;
}

/** Decide, then (if allowed) forward one tools/call; the output becomes untrusted input for later calls. */
export async function callTool(core: ProxyCore, session: ProxySession, params: CallToolRequest['params'], extra: CallExtra): Promise<CallToolResult> {
  const found = await locate(core, params.name);
  if ('unknown' in found) return denial('UNKNOWN_TOOL', [{ code: 'UNKNOWN_TOOL', message: `unknown tool: ${params.name}` }]);
  const { server, name, upstream, tool } = found;
  const pin = await core.pins.check(server, tool, session.identity);
  if (pin !== 'approved') {
    const code = pin === 'violation' ? 'PIN_VIOLATION' : 'TOOL_NOT_APPROVED';
    return denial(code, [{ code, message: pin === 'violation' ? 'the tool changed since an admin approved it' : 'an admin has not approved this tool yet' }]);
  }
  const args = (params.arguments ?? {}) as Record<string, unknown>;
  const derivedFrom: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(args)) derivedFrom[k] = session.taint.derivedFrom(v);
  const call: GovernedCall = { identity: session.identity, token: session.token, sessionId: session.sessionId, callId: core.nextCallId(), server, tool, args, derivedFrom };
  let step = 0;
  const progress = extra.progressToken === undefined ? undefined : (message: string) => extra.sendProgress(++step, message);
  const verdict = await core.governor.decide(call, { signal: extra.signal, ...(progress ? { progress } : {}) });
  if (verdict.decision === 'DENY') return denial(verdict.code, verdict.reasons);
  let result: CallToolResult;
  try {
    result = (await upstreamCall(upstream, () =>
      upstream.client.request({ method: 'tools/call', params: { name, arguments: args, ...(params._meta ? { _meta: params._meta } : {}) } }, CallToolResultSchema, {
        timeout: upstream.timeoutMs,
        signal: extra.signal,
        ...(extra.progressToken === undefined ? {} : { onprogress: (p) => void extra.sendProgress(p.progress, p.message) }),
      }),
    )) as CallToolResult;
  } catch (e) {
    // why: the upstream's error reaches the agent only once its record is on disk, like a result.
    await core.governor.recordOutcome(call, verdict, { ok: false, error: { code: 'UPSTREAM_ERROR', message: (e as Error).message } }).catch((failure: unknown) => {
      throw auditFailed(failure);
    });
    throw e;
  }
  session.taint.record(`tool_output:${sourceName(server, name)}#${call.callId}`, stringsOf(result));
  await core.governor.recordOutcome(call, verdict, { ok: true, result }).catch((failure: unknown) => {
    throw auditFailed(failure);
  });
  return result;
}

const AUDIT_FAILED = 'the call could not be audited';

/** The result is withheld when its audit record cannot be made durable (fail closed). */
function auditFailed(failure: unknown): McpError {
  return new McpError(ErrorCode.InternalError, `${AUDIT_FAILED}: ${(failure as Error)?.message ?? 'unknown error'}`);
}

/**
 * The upstream tool an exposed name refers to. An unknown name is answered as a tool error, not a
 * protocol error, as the SDK's own servers do (so the proxy stays transparent to clients).
 */
async function locate(core: ProxyCore, exposed: string) {
  let r: ReturnType<typeof route>;
  try {
    r = route(core, exposed, 'tool');
  } catch {
    return { unknown: true as const };
  }
  const tools = await upstreamCall(r.upstream, () => r.upstream.tools());
  const tool = tools.find((t) => t.name === r.name);
  return tool ? { ...r, tool } : { unknown: true as const };
}

/** A provenance source name: `<server>/<tool>` limited to the characters SourceSchema accepts. */
export function sourceName(server: string, tool: string): string {
  return `${server}/${tool}`.replace(/[^\w.\-/:]/g, '_').slice(0, 128);
}
