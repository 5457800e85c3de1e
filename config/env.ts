/** @module One zod-validated configuration object, read from the environment. */
import { z } from 'zod';
import { parseDurationMs } from '../lib/duration.js';
import { parseOrFail } from '../lib/validation.js';

const port = z.coerce.number().int().min(0).max(65535);

export const ConfigSchema = z.object({
  PORT: port.default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('interceptor-tasks'),
  DATABASE_URL: z.string().url().optional(),
  PGLITE_PORT: port.optional(),
  INTERCEPTOR_DATA_DIR: z.string().min(1).default('.interceptor'),
  INTERCEPTOR_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  APPROVAL_TIMEOUT: z.string().regex(/^\d+(ms|s|m|h|d)$/, 'must look like `24h`, `30m` or `500ms`').default('24h'),
  /** How long a tool execution's claim lasts without renewal: after a worker dies mid-tool, the step's next attempt acts only once it has run out. */
  TOOL_LEASE: z.string().regex(/^\d+(ms|s|m|h)$/, 'must look like `12s`, `1m` or `5000ms`').default('12s'),
  /** run_sql's time limit per query (the read-only demo tool). why at most 15 s: with the sandbox's 10 s wait, a query must fit in its local activity's 30 s. */
  RUN_SQL_TIMEOUT: z.string().regex(/^\d+(ms|s)$/, 'must look like `2s` or `500ms`')
    // why the regex again: zod runs this check even when the format check above failed
    .refine((v) => !/^\d+(ms|s)$/.test(v) || (parseDurationMs(v) >= 10 && parseDurationMs(v) <= 15_000), 'must be between 10ms and 15s').default('2s'),
  /** How many approvals one submitter (an agent, or a person submitting) may have waiting for a person at once; a step past it is denied (APPROVAL_QUEUE_FULL). */
  MAX_PENDING_APPROVALS: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Requests per second each credential may make to the API (a burst of twice that), or `off`. */
  API_RATE_LIMIT: z.string().regex(/^([1-9]\d*\/s|off)$/, 'must look like `100/s` or be `off`').default('100/s'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.output<typeof ConfigSchema>;

/** Read configuration from an environment map; throws BAD_USER_INPUT naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  return parseOrFail(ConfigSchema, present, 'configuration');
}
