/**
 * @module `interceptor proxy`: run the MCP policy proxy, or administer it.
 *   interceptor proxy --upstream <command or URL> [--upstream name=...]... [--mode local|durable]
 *                     [--listen 127.0.0.1:PORT | --stdio] [--policy FILE] [--tools FILE] --jwks FILE|URL
 *                     [--data-dir DIR] [--api URL] [--timeout 30s] [--approve-all-on-first-use]
 *   interceptor proxy pins list|approve <server> <tool> [--data-dir DIR]
 *   interceptor proxy audit verify|ship [--data-dir DIR] [--api URL]
 */
import { parseArgs } from 'node:util';
import { verifyChain } from '../governance/audit/index.js';
import { isInterceptorError } from '../lib/errors.js';
import { openAuditBuffer } from './audit/buffer.js';
import { shipAudit } from './audit/ship.js';
import { parseServeArgs } from './cli-args.js';
import { openPinStore } from './pins/store.js';
import { createProxy } from './start.js';
import { listenHttp } from './transport/http.js';
import { serveAuthenticated, TOKEN_ENV } from './transport/stdio.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process should stop serving (default: SIGINT or SIGTERM). */
  until?: Promise<void>;
}

const defaultIo = (): CliIo => ({ out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`), env: process.env });

/** Entry point of the `proxy` subcommand; returns the exit code. */
export async function runProxyCli(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  try {
    if (argv[0] === 'pins') return pinsCommand(argv.slice(1), io);
    if (argv[0] === 'audit') return await auditCommand(argv.slice(1), io);
    if (argv[0] === 'help' || argv.includes('--help')) {
      io.out('usage: interceptor proxy --upstream <command or URL> --jwks FILE|URL [--listen HOST:PORT | --stdio] [--mode local|durable] [--policy FILE] [--tools FILE] [--data-dir DIR] [--api URL]\n       interceptor proxy pins list|approve <server> <tool>\n       interceptor proxy audit verify|ship');
      return 0;
    }
    return await serve(argv, io);
  } catch (e) {
    io.err(`error: ${isInterceptorError(e) ? e.message : (e as Error).message}`);
    if (isInterceptorError(e)) for (const i of e.issues.slice(1)) io.err(`  ${i.path}: ${i.message}`);
    return isInterceptorError(e) && e.code === 'BAD_USER_INPUT' ? 2 : 1;
  }
}

function sub(argv: string[]) {
  return parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, api: { type: 'string' } }, allowPositionals: true, strict: true });
}

function pinsCommand(argv: string[], io: CliIo): number {
  const { values, positionals } = sub(argv);
  const store = openPinStore(values['data-dir'] ?? '.interceptor/proxy');
  const [verb, server, tool] = positionals;
  if (verb === 'list') {
    io.out(JSON.stringify(store.list(), null, 2));
    return 0;
  }
  if (verb === 'approve' && server && tool) {
    const pin = store.approve(server, tool, `admin:${io.env.USER ?? 'cli'}`, new Date());
    io.out(`approved \`${server}\` \`${tool}\` at digest ${pin.approved}${pin.flags.length ? ` (flagged: ${pin.flags.join(', ')})` : ''}`);
    return 0;
  }
  io.err('usage: interceptor proxy pins list | pins approve <server> <tool> [--data-dir DIR]');
  return 2;
}

async function auditCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = sub(argv);
  const dataDir = values['data-dir'] ?? '.interceptor/proxy';
  const buffer = openAuditBuffer(dataDir);
  try {
    const records = buffer.readAll();
    if (positionals[0] === 'verify') {
      const broken = verifyChain(records);
      io.out(broken ? `broken at record ${broken.index + 1}: ${broken.code}` : `intact: ${records.length} events`);
      return broken ? 1 : 0;
    }
    if (positionals[0] === 'ship' && values.api) {
      const r = await shipAudit(dataDir, records, values.api, auditToken(io.env));
      if (r.ok) io.out(`shipped ${r.shipped} events`);
      else io.err(`not shipped (${r.code}): ${r.message}; ${r.remaining} events kept`);
      return r.ok ? 0 : 1;
    }
  } finally {
    buffer.close();
  }
  io.err('usage: interceptor proxy audit verify | audit ship --api URL [--data-dir DIR]');
  return 2;
}

async function serve(argv: string[], io: CliIo): Promise<number> {
  const a = parseServeArgs(argv);
  const proxy = await createProxy({
    upstreams: a.upstreams,
    mode: a.resolvedMode,
    dataDir: a['data-dir'],
    jwks: a.jwks,
    timeoutMs: a.timeout,
    approveAllOnFirstUse: a['approve-all-on-first-use'],
    auditSync: a['audit-sync'],
    ...(a.policy ? { policyFile: a.policy } : {}),
    ...(a.tools ? { toolsFile: a.tools } : {}),
    ...(a.api ? { api: a.api } : {}),
    // why an environment variable: an admin key must not show in the process list.
    ...(a.api && auditToken(io.env) ? { shipToken: auditToken(io.env)! } : {}),
    ...(a.issuer ? { issuer: a.issuer } : {}),
    ...(a.audience ? { audience: a.audience } : {}),
  });
  const until = io.until ?? new Promise<void>((resolve) => ['SIGINT', 'SIGTERM'].forEach((s) => process.once(s, () => resolve())));
  try {
    if (a.stdio) {
      const r = await serveAuthenticated(proxy.core, proxy.auth, io.env[TOKEN_ENV]);
      if (!r.ok) {
        io.err(`error: ${TOKEN_ENV}: ${r.code}: ${r.message}`);
        return 1;
      }
      await Promise.race([until, new Promise<void>((resolve) => (r.server.onclose = () => resolve()))]);
      return 0;
    }
    const listen = a.listen ?? { host: '127.0.0.1', port: 8931 };
    const http = await listenHttp(proxy.core, proxy.auth, listen.host, listen.port);
    io.err(`interceptor proxy (${a.resolvedMode} mode) listening on ${http.url}`);
    await until;
    await http.close();
    return 0;
  } finally {
    await proxy.close();
  }
}

/** The key audit records are shipped with: an admin API key of the tenant. */
function auditToken(env: NodeJS.ProcessEnv | Record<string, string | undefined>): string | undefined {
  return env.INTERCEPTOR_AUDIT_TOKEN || env.INTERCEPTOR_ADMIN_TOKEN || undefined;
}
