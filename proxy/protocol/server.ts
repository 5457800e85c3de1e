/**
 * @module The MCP server an agent session talks to: an SDK Server whose handlers route every request
 * through governance to the upstreams. It is transport-agnostic: connect it to Streamable HTTP,
 * stdio or an in-memory pair. One Server per session, bound to the identity verified at connect.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import type { ProxyCore } from './core.js';
import { upstreamCall } from './core.js';
import { getPrompt, listPrompts, listResourceTemplates, listResources, readResource, subscribe } from './resources.js';
import type { ProxySession } from './session.js';
import { callTool, listTools } from './tools.js';

export const PROXY_SERVER_INFO = { name: 'interceptor-proxy', version: '0.1.0' } as const;

/** What the proxy offers: tools always, and what at least one upstream offers of the rest. */
export function proxyCapabilities(core: ProxyCore): ServerCapabilities {
  const caps = [...core.upstreams.values()].map((u) => u.client.getServerCapabilities() ?? {});
  const out: ServerCapabilities = { tools: { listChanged: false } };
  if (caps.some((c) => c.resources)) out.resources = { subscribe: caps.some((c) => c.resources?.subscribe), listChanged: false };
  if (caps.some((c) => c.prompts)) out.prompts = { listChanged: false };
  if (caps.some((c) => c.logging)) out.logging = {};
  return out;
}

export function createSessionServer(core: ProxyCore, session: ProxySession): Server {
  const server = new Server(PROXY_SERVER_INFO, { capabilities: proxyCapabilities(core) });
  server.setRequestHandler(ListToolsRequestSchema, () => listTools(core, session));
  server.setRequestHandler(CallToolRequestSchema, (req, extra) =>
    callTool(core, session, req.params, {
      signal: extra.signal,
      progressToken: req.params._meta?.progressToken,
      sendProgress: async (progress, message) => {
        const token = req.params._meta?.progressToken;
        if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, ...(message ? { message } : {}) } });
      },
    }),
  );
  const caps = proxyCapabilities(core);
  if (caps.resources) registerResources(server, core, session);
  if (caps.prompts) {
    server.setRequestHandler(ListPromptsRequestSchema, (req) => listPrompts(core, session, req.params?.cursor));
    server.setRequestHandler(GetPromptRequestSchema, (req) => getPrompt(core, session, req.params));
  }
  if (caps.logging) {
    server.setRequestHandler(SetLevelRequestSchema, async (req) => {
      for (const up of core.upstreams.values()) {
        if (up.client.getServerCapabilities()?.logging) await upstreamCall(up, () => up.client.setLoggingLevel(req.params.level, { timeout: up.timeoutMs }));
      }
      return {};
    });
  }
  return server;
}

function registerResources(server: Server, core: ProxyCore, session: ProxySession): void {
  const subscribed = new Set<string>();
  const stop = core.onResourceUpdated((_server, uri) => {
    if (subscribed.has(uri)) void server.sendResourceUpdated({ uri }).catch(() => undefined);
  });
  const previousOnClose = server.onclose;
  server.onclose = () => {
    stop();
    previousOnClose?.();
  };
  server.setRequestHandler(ListResourcesRequestSchema, (req) => listResources(core, session, req.params?.cursor));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, (req) => listResourceTemplates(core, req.params?.cursor));
  server.setRequestHandler(ReadResourceRequestSchema, (req) => readResource(core, session, req.params.uri));
  server.setRequestHandler(SubscribeRequestSchema, async (req) => {
    await subscribe(core, session, req.params.uri, true);
    subscribed.add(req.params.uri);
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, async (req) => {
    await subscribe(core, session, req.params.uri, false);
    subscribed.delete(req.params.uri);
    return {};
  });
}
