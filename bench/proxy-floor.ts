/**
 * @module The floor under bench:proxy's local-mode figures: a passthrough MCP server built on the
 * same SDK that forwards `tools/call` to its upstream and does nothing else (no authentication, pin,
 * taint, policy, budget or audit). What it adds over a direct call is what one more MCP hop costs on
 * this machine; a governing proxy adds at least that, so a target below it cannot be met here.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, CallToolResultSchema, ListToolsRequestSchema, ListToolsResultSchema } from '@modelcontextprotocol/sdk/types.js';

/** An SDK server whose tools/list and tools/call are answered by `upstream`. */
export function passthroughServer(upstream: Client): Server {
  const server = new Server({ name: 'passthrough', version: '0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, (req) => upstream.request({ method: 'tools/list', params: req.params }, ListToolsResultSchema));
  server.setRequestHandler(CallToolRequestSchema, (req) => upstream.request({ method: 'tools/call', params: req.params }, CallToolResultSchema));
  return server;
}

/** The passthrough served over Streamable HTTP at `/mcp` (one transport per session), as the proxy serves agents. */
export async function listenPassthrough(upstream: () => Promise<Client>): Promise<{ url: string; close(): Promise<void> }> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const upstreams: Client[] = [];
  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
  };
  const http = createServer((req, res) => {
    void (async () => {
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      const id = req.headers['mcp-session-id'];
      const known = typeof id === 'string' ? sessions.get(id) : undefined;
      if (known) return known.handleRequest(req, res, body);
      if (id !== undefined) return void res.writeHead(404).end();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: randomUUID, onsessioninitialized: (sid) => void sessions.set(sid, transport) });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      const client = await upstream();
      upstreams.push(client);
      await passthroughServer(client).connect(transport);
      await transport.handleRequest(req, res, body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    async close() {
      await Promise.all([...sessions.values()].map((t) => t.close()));
      await Promise.all(upstreams.map((c) => c.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
