/**
 * @module The stdio edge: an agent launches the proxy as its MCP server. The credential comes from
 * the environment (`INTERCEPTOR_AGENT_TOKEN`) and is verified before anything is served; without a
 * valid one the proxy exits instead of serving.
 */
import { randomUUID } from 'node:crypto';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Authenticator } from '../auth/index.js';
import type { ProxyCore } from '../protocol/core.js';
import { createSessionServer } from '../protocol/server.js';
import { createSession } from '../protocol/session.js';

export const TOKEN_ENV = 'INTERCEPTOR_AGENT_TOKEN';

export type ServeResult = { ok: true; server: Server } | { ok: false; code: string; message: string };

/** Authenticate the token, then serve one session over `transport` (stdio by default). */
export async function serveAuthenticated(core: ProxyCore, auth: Authenticator, token: string | undefined, transport: Transport = new StdioServerTransport()): Promise<ServeResult> {
  const who = await auth.authenticate(token);
  if (!who.ok) return { ok: false, code: who.code, message: who.message };
  const server = createSessionServer(core, createSession(who.identity, token!, randomUUID()));
  await server.connect(transport);
  return { ok: true, server };
}
