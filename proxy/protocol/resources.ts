/**
 * @module Resources and prompts pass through under policy: `read_resource` for listing, reading and
 * subscribing, `get_prompt` for listing and getting. Servers missing from the governance file are
 * denied outright. A refusal is a protocol error (InvalidRequest, "denied: <code>"), because these
 * methods have no error result shape; what they return is untrusted input to later tool calls.
 */
import type { GetPromptRequest, GetPromptResult, ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult, Prompt, ReadResourceResult, Resource } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { evaluate } from '../../governance/policy/index.js';
import { isKnownServer } from '../config.js';
import { stringsOf } from '../enforce/taint.js';
import { route, upstreamCall, type ProxyCore } from './core.js';
import { exposedName } from './names.js';
import type { ProxySession } from './session.js';
import type { Upstream } from '../upstream/index.js';

function allowed(core: ProxyCore, session: ProxySession, server: string, req: { uri: string } | { prompt: string }): boolean {
  if (!isKnownServer(core.governance, server)) return false;
  const base = { principal: session.identity, now: core.now() };
  const r = 'uri' in req
    ? evaluate(core.policy(), { ...base, action: 'read_resource', resource: { uri: req.uri, server } })
    : evaluate(core.policy(), { ...base, action: 'get_prompt', prompt: { name: req.prompt, server } });
  return r.decision === 'ALLOW';
}

function refuse(what: string): McpError {
  return new McpError(ErrorCode.InvalidRequest, `denied: POLICY_DENIED: policy does not allow ${what}`);
}

function withCapability(core: ProxyCore, cap: 'resources' | 'prompts'): Array<[string, Upstream]> {
  return [...core.upstreams].filter(([, u]) => u.client.getServerCapabilities()?.[cap] !== undefined);
}

/** Resources of every upstream the agent may read; a single upstream's cursor passes through. */
export async function listResources(core: ProxyCore, session: ProxySession, cursor?: string): Promise<ListResourcesResult> {
  const out: Resource[] = [];
  let nextCursor: string | undefined;
  for (const [server, up] of withCapability(core, 'resources')) {
    const page = await upstreamCall(up, () => up.client.listResources(cursor && !core.multi ? { cursor } : {}, { timeout: up.timeoutMs }));
    out.push(...page.resources.filter((r) => allowed(core, session, server, { uri: r.uri })));
    if (!core.multi) nextCursor = page.nextCursor;
  }
  return { resources: out, ...(nextCursor ? { nextCursor } : {}) };
}

export async function listResourceTemplates(core: ProxyCore, cursor?: string): Promise<ListResourceTemplatesResult> {
  const out: ListResourceTemplatesResult['resourceTemplates'] = [];
  let nextCursor: string | undefined;
  for (const [server, up] of withCapability(core, 'resources')) {
    if (!isKnownServer(core.governance, server)) continue;
    const page = await upstreamCall(up, () => up.client.listResourceTemplates(cursor && !core.multi ? { cursor } : {}, { timeout: up.timeoutMs }));
    out.push(...page.resourceTemplates);
    if (!core.multi) nextCursor = page.nextCursor;
  }
  return { resourceTemplates: out, ...(nextCursor ? { nextCursor } : {}) };
}

/**
 * The upstream serving a URI: the one that lists it, else (one upstream) that one. With several
 * upstreams an unlisted URI is refused rather than sent to a server that might answer for it.
 */
async function serverForUri(core: ProxyCore, uri: string): Promise<[string, Upstream]> {
  const candidates = withCapability(core, 'resources');
  if (candidates.length === 1) return candidates[0]!;
  for (const [server, up] of candidates) {
    const page = await upstreamCall(up, () => up.client.listResources({}, { timeout: up.timeoutMs })).catch(() => ({ resources: [] as Resource[] }));
    if (page.resources.some((r) => r.uri === uri)) return [server, up];
  }
  throw new McpError(ErrorCode.InvalidParams, `unknown resource: ${uri}`);
}

export async function readResource(core: ProxyCore, session: ProxySession, uri: string): Promise<ReadResourceResult> {
  const [server, up] = await serverForUri(core, uri);
  if (!allowed(core, session, server, { uri })) throw refuse(`reading \`${uri}\``);
  const result = await upstreamCall(up, () => up.client.readResource({ uri }, { timeout: up.timeoutMs }));
  session.taint.record(`tool_output:${server}/resource#${core.nextCallId()}`, stringsOf(result));
  return result;
}

export async function subscribe(core: ProxyCore, session: ProxySession, uri: string, on: boolean): Promise<[string, Upstream]> {
  const [server, up] = await serverForUri(core, uri);
  if (!allowed(core, session, server, { uri })) throw refuse(`subscribing to \`${uri}\``);
  await upstreamCall(up, () => (on ? up.client.subscribeResource({ uri }, { timeout: up.timeoutMs }) : up.client.unsubscribeResource({ uri }, { timeout: up.timeoutMs })));
  return [server, up];
}

export async function listPrompts(core: ProxyCore, session: ProxySession, cursor?: string): Promise<ListPromptsResult> {
  const out: Prompt[] = [];
  let nextCursor: string | undefined;
  for (const [server, up] of withCapability(core, 'prompts')) {
    const page = await upstreamCall(up, () => up.client.listPrompts(cursor && !core.multi ? { cursor } : {}, { timeout: up.timeoutMs }));
    for (const p of page.prompts) if (allowed(core, session, server, { prompt: p.name })) out.push({ ...p, name: exposedName(server, p.name, core.multi) });
    if (!core.multi) nextCursor = page.nextCursor;
  }
  return { prompts: out, ...(nextCursor ? { nextCursor } : {}) };
}

export async function getPrompt(core: ProxyCore, session: ProxySession, params: GetPromptRequest['params']): Promise<GetPromptResult> {
  const { server, name, upstream } = route(core, params.name, 'prompt');
  if (!allowed(core, session, server, { prompt: name })) throw refuse(`the prompt \`${params.name}\``);
  const result = await upstreamCall(upstream, () => upstream.client.getPrompt({ ...params, name }, { timeout: upstream.timeoutMs }));
  session.taint.record(`tool_output:${server}/prompt#${core.nextCallId()}`, stringsOf(result));
  return result;
}
