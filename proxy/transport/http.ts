/**
 * @module The Streamable HTTP edge. Every request must carry `Authorization: Bearer <agent credential>`:
 * without a valid one the answer is 401 and no session is created. A session is bound to the agent
 * that initialized it; a request on it with another agent's credential gets 403.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Authenticator } from '../auth/index.js';
import type { AgentIdentity } from '../../governance/types.js';
import type { ProxyCore } from '../protocol/core.js';
import { createSessionServer } from '../protocol/server.js';
import { createSession } from '../protocol/session.js';

export const MCP_PATH = '/mcp';
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface HttpEdge {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

interface Live {
  transport: StreamableHTTPServerTransport;
  identity: AgentIdentity;
}

/** Listen on host:port (port 0 picks a free one) and serve MCP at `/mcp`. */
export async function listenHttp(core: ProxyCore, auth: Authenticator, host: string, port: number): Promise<HttpEdge> {
  const sessions = new Map<string, Live>();
  const allowedHosts: string[] = [];
  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) jsonError(res, 500, -32603, 'internal error');
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== MCP_PATH) return jsonError(res, 404, -32601, 'not found');
    const token = bearer(req);
    const who = await auth.authenticate(token);
    if (!who.ok) {
      res.setHeader('WWW-Authenticate', `Bearer error="invalid_token", error_description="${who.code}"`);
      return jsonError(res, who.status, -32001, `${who.code}: ${who.message}`);
    }
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    if (body === BAD_BODY) return jsonError(res, 400, -32700, 'parse error');
    const sid = req.headers['mcp-session-id'];
    if (typeof sid === 'string') {
      const live = sessions.get(sid);
      if (!live) return jsonError(res, 404, -32001, 'session not found');
      if (live.identity.agentId !== who.identity.agentId || live.identity.tenant !== who.identity.tenant) return jsonError(res, 403, -32001, 'the session belongs to another agent');
      return live.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) return jsonError(res, 400, -32000, 'bad request: no valid session id');
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      enableDnsRebindingProtection: true,
      allowedHosts,
      onsessioninitialized: (id) => void sessions.set(id, { transport, identity: who.identity }),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    const server = createSessionServer(core, createSession(who.identity, token!, randomUUID()));
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
  const bound = (http.address() as AddressInfo).port;
  allowedHosts.push(`${host}:${bound}`, `localhost:${bound}`, `127.0.0.1:${bound}`);
  return { url: `http://${host}:${bound}${MCP_PATH}`, port: bound, close: () => closeAll(http, sessions) };
}

async function closeAll(http: HttpServer, sessions: Map<string, Live>): Promise<void> {
  await Promise.all([...sessions.values()].map((s) => s.transport.close().catch(() => undefined)));
  sessions.clear();
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1];
}

const BAD_BODY = Symbol('bad body');

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return BAD_BODY;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return BAD_BODY;
  }
}

function jsonError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
