/**
 * @module Upstream MCP servers the proxy fronts: one SDK Client per upstream, over stdio (a command
 * the proxy spawns) or Streamable HTTP (a URL). Every request carries a timeout, and a broken or
 * silent upstream becomes an McpError, never a hang.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, ToolListChangedNotificationSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';

export type UpstreamSpec =
  | { name: string; kind: 'stdio'; command: string; args: string[]; env?: Record<string, string> }
  | { name: string; kind: 'http'; url: string }
  | { name: string; kind: 'transport'; transport: Transport };

export interface Upstream {
  readonly name: string;
  readonly client: Client;
  readonly timeoutMs: number;
  /** The upstream's tools, listed again when stale or after it announced a change. */
  tools(): Promise<Tool[]>;
  /** Forget the cached tool list (the next tools() lists again). */
  invalidate(): void;
  close(): Promise<void>;
}

export interface ConnectOptions {
  timeoutMs: number;
  /** How long a tool list is reused before it is listed again (rug pulls are caught within this). */
  toolsTtlMs?: number;
  /** Timeout of the initial handshake (a spawned server may take a while to start); default 20 s. */
  connectTimeoutMs?: number;
}

function transportFor(spec: UpstreamSpec): Transport {
  if (spec.kind === 'transport') return spec.transport;
  if (spec.kind === 'http') return new StreamableHTTPClientTransport(new URL(spec.url));
  const env = spec.env ? { ...(process.env as Record<string, string>), ...spec.env } : undefined;
  return new StdioClientTransport({ command: spec.command, args: spec.args, stderr: 'pipe', ...(env ? { env } : {}) });
}

/** Connect to one upstream; throws an McpError (InternalError) naming it when it cannot be reached. */
export async function connectUpstream(spec: UpstreamSpec, opts: ConnectOptions): Promise<Upstream> {
  const client = new Client({ name: 'interceptor-proxy', version: '0.1.0' }, { capabilities: {} });
  try {
    await client.connect(transportFor(spec), { timeout: opts.connectTimeoutMs ?? 20_000 });
  } catch (cause) {
    await client.close().catch(() => undefined);
    throw new McpError(ErrorCode.InternalError, `upstream \`${spec.name}\` could not be reached: ${(cause as Error).message}`);
  }
  return wrap(spec.name, client, opts);
}

function wrap(name: string, client: Client, opts: ConnectOptions): Upstream {
  const ttl = opts.toolsTtlMs ?? 5_000;
  let cache: { at: number; tools: Promise<Tool[]> } | undefined;
  if (client.getServerCapabilities()?.tools?.listChanged) {
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      cache = undefined;
    });
  }
  const listAll = async (): Promise<Tool[]> => {
    if (!client.getServerCapabilities()?.tools) return [];
    const out: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {}, { timeout: opts.timeoutMs });
      out.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor && out.length < 10_000);
    return out;
  };
  return {
    name,
    client,
    timeoutMs: opts.timeoutMs,
    tools() {
      if (!cache || Date.now() - cache.at > ttl) {
        const entry = { at: Date.now(), tools: listAll() };
        // why: a failed listing must not be cached, or one timeout would hide the tools until the TTL passes.
        entry.tools.catch(() => {
          if (cache === entry) cache = undefined;
        });
        cache = entry;
      }
      return cache.tools;
    },
    invalidate() {
      cache = undefined;
    },
    close: () => client.close(),
  };
}
