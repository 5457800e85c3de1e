/**
 * @module The tool runtime: built-in executors by name, plus registered HTTP tools resolved from
 * their definitions. Governance has already allowed the call; this only acts.
 */
import type pg from 'pg';
import type { ToolDefinition } from '../governance/types.js';
import { runReadOnlyQuery, type ReadOnlyQueryRunner } from '../db/queries/demo.js';
import { createRunSql, createSendEmail } from './demo-db-tools.js';
import { createHttpGet } from './http-get.js';
import { createHttpTool } from './http-tool.js';
import { createFileTools } from './sandbox-files.js';
import { toolError, type ToolContext, type ToolExecutor, type ToolOutcome } from './types.js';

export interface ToolRuntime {
  /** Run a tool; a tool-level failure is a value, an infrastructure failure throws (and is retried). */
  execute(definition: ToolDefinition, ctx: ToolContext): Promise<ToolOutcome>;
  builtins(): string[];
}

export interface ToolRuntimeOptions {
  pool: pg.Pool;
  sandboxDir: string;
  /** Extra URL prefixes http_get may reach in addition to each definition's allowlist (e.g. the local demo pages). */
  extraHttpAllowlist?: readonly string[];
  /** Where run_sql runs: by default the pool's database (its sandbox function); on the embedded PGlite, the sandbox thread (sql-sandbox.ts). */
  runSql?: ReadOnlyQueryRunner;
  /** run_sql's time limit per query, default 2 s. */
  sqlTimeoutMs?: number;
}

export function createToolRuntime(opts: ToolRuntimeOptions): ToolRuntime {
  const files = createFileTools(opts.sandboxDir);
  const builtins = new Map<string, (def: ToolDefinition) => ToolExecutor>([
    ['read_file', () => files.read_file],
    ['write_file', () => files.write_file],
    ['http_get', (def) => createHttpGet({ allowlist: () => [...def.urlAllowlist, ...(opts.extraHttpAllowlist ?? [])] })],
    ['send_email', () => createSendEmail()],
    ['run_sql', () => createRunSql(opts.runSql ?? ((q) => runReadOnlyQuery(opts.pool, q)), opts.sqlTimeoutMs ?? 2000)],
  ]);
  return {
    builtins: () => [...builtins.keys()],
    async execute(def, ctx) {
      const make = builtins.get(def.name);
      if (make) return make(def)(ctx);
      if (def.endpoint) return createHttpTool(def.name, { url: def.endpoint, allowlist: def.urlAllowlist })(ctx);
      return toolError('NO_EXECUTOR', `tool \`${def.name}\` has no executor: register it with an endpoint`);
    },
  };
}
