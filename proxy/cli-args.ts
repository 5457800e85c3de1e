/**
 * @module Arguments of `interceptor proxy`, validated with zod so every mistake names its flag.
 * `--upstream` takes a command line (stdio) or an http(s) URL (Streamable HTTP), optionally named
 * `name=...`; names are required when there are several, because tool names are prefixed with them.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { InterceptorError } from '../lib/errors.js';
import { parseDurationMs } from '../lib/duration.js';
import { parseOrFail } from '../lib/validation.js';
import type { UpstreamSpec } from './upstream/index.js';

const NAME = /^[A-Za-z0-9.-]+(_[A-Za-z0-9.-]+)*$/;

const ListenSchema = z.string().regex(/^[^:\s]+:\d{1,5}$/, 'must look like `127.0.0.1:8931`').transform((s) => {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
}).refine((l) => l.port <= 65535, 'port must be at most 65535');

export const ServeArgsSchema = z.strictObject({
  upstream: z.array(z.string().min(1)).min(1, 'give at least one `--upstream`'),
  mode: z.enum(['local', 'durable']).optional(),
  listen: ListenSchema.optional(),
  stdio: z.boolean().default(false),
  policy: z.string().min(1).optional(),
  tools: z.string().min(1).optional(),
  jwks: z.string().min(1, 'is required'),
  'data-dir': z.string().min(1).default('.interceptor/proxy'),
  api: z.url({ protocol: /^https?$/ }).optional(),
  issuer: z.string().min(1).optional(),
  audience: z.string().min(1).optional(),
  timeout: z.string().default('30s').transform((t, ctx) => {
    try {
      return parseDurationMs(t);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must look like `30s` or `500ms`' });
      return z.NEVER;
    }
  }),
  'approve-all-on-first-use': z.boolean().default(false),
  'audit-sync': z.enum(['always', 'batched']).default('always'),
}).refine((a) => !(a.stdio && a.listen), { message: 'choose `--listen` or `--stdio`, not both', path: ['stdio'] })
  .refine((a) => a.mode !== 'durable' || a.api !== undefined, { message: 'durable mode needs `--api`', path: ['api'] });
export type ServeArgs = z.output<typeof ServeArgsSchema>;

export const SERVE_OPTIONS = {
  upstream: { type: 'string', multiple: true },
  mode: { type: 'string' },
  listen: { type: 'string' },
  stdio: { type: 'boolean' },
  policy: { type: 'string' },
  tools: { type: 'string' },
  jwks: { type: 'string' },
  'data-dir': { type: 'string' },
  api: { type: 'string' },
  issuer: { type: 'string' },
  audience: { type: 'string' },
  timeout: { type: 'string' },
  'approve-all-on-first-use': { type: 'boolean' },
  'audit-sync': { type: 'string' },
} as const;

/** Parse `interceptor proxy [flags]`; throws BAD_USER_INPUT naming the flag. */
export function parseServeArgs(argv: string[]): ServeArgs & { upstreams: UpstreamSpec[]; resolvedMode: 'local' | 'durable' } {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: argv, options: SERVE_OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new InterceptorError('BAD_USER_INPUT', `invalid arguments: ${(e as Error).message}`);
  }
  const args = parseOrFail(ServeArgsSchema, { upstream: [], ...values }, 'proxy arguments');
  const upstreams = args.upstream.map((u, i) => upstreamSpec(u, i, args.upstream.length));
  const names = new Set(upstreams.map((u) => u.name));
  if (names.size !== upstreams.length) throw new InterceptorError('BAD_USER_INPUT', 'invalid proxy arguments: `upstream`: names must be unique', { issues: [{ path: 'upstream', message: 'duplicate name' }] });
  // why durable by default with --api: the brief's rule, the governed path is the durable one.
  return { ...args, upstreams, resolvedMode: args.mode ?? (args.api ? 'durable' : 'local') };
}

function upstreamSpec(raw: string, i: number, count: number): UpstreamSpec {
  const m = /^([A-Za-z0-9_.-]+)=(.+)$/s.exec(raw);
  const name = m ? m[1]! : count === 1 ? 'default' : '';
  const target = (m ? m[2]! : raw).trim();
  const bad = (message: string) => new InterceptorError('BAD_USER_INPUT', `invalid proxy arguments: \`upstream[${i}]\`: ${message}`, { issues: [{ path: `upstream[${i}]`, message }] });
  if (!name) throw bad('name every upstream (`name=<command or URL>`) when there are several');
  if (!NAME.test(name)) throw bad(`name \`${name}\` must use letters, digits, \`.\`, \`-\` and single \`_\``);
  if (/^https?:\/\//.test(target)) {
    if (!URL.canParse(target)) throw bad(`\`${target}\` is not a valid URL`);
    return { name, kind: 'http', url: target };
  }
  const words = splitCommand(target);
  if (words.length === 0) throw bad('the command is empty');
  return { name, kind: 'stdio', command: words[0]!, args: words.slice(1) };
}

/** Split a command line on whitespace, honouring single and double quotes (no other shell syntax). */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let has = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else cur += ch;
  }
  if (quote) throw new InterceptorError('BAD_USER_INPUT', 'invalid proxy arguments: `upstream`: unclosed quote');
  if (has || cur) out.push(cur);
  return out;
}
