/**
 * @module Temporal CLI argv: `server start-dev --port N [--ip IP] [--namespace NS]...
 * [--db-filename FILE] [--search-attribute KEY=TYPE]... [--headless] [--log-level L] [--log-format F]
 * [--ui-port N]`, or a bare `<port>` (Java test-server style). Unknown flags are reported, not fatal.
 */
import { z } from 'zod';
import { parseOrFail } from '../lib/validation.js';
import type { SearchAttributeType } from './visibility/index.js';

const BOOLEAN_FLAGS = new Set(['headless']);
const KNOWN = new Set(['port', 'ip', 'namespace', 'db-filename', 'search-attribute', 'headless', 'log-level', 'log-format', 'ui-port', 'max-payload-bytes', 'max-request-bytes']);
const SA_TYPES = ['Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'] as const;

const Options = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  ip: z.string().min(1).default('127.0.0.1'),
  namespaces: z.array(z.string().min(1)).default([]),
  dbFilename: z.string().min(1).optional(),
  searchAttributes: z.record(z.string().min(1), z.enum(SA_TYPES)).default({}),
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'fatal', 'trace']).default('warn'),
  logFormat: z.string().default('json'),
  maxPayloadBytes: z.coerce.number().int().positive().optional(),
  maxRequestBytes: z.coerce.number().int().positive().optional(),
});

export type CliOptions = z.infer<typeof Options>;

export interface ParsedArgs {
  options: CliOptions;
  warnings: string[];
}

function splitFlags(args: string[]): { flags: [string, string | undefined][]; positional: string[] } {
  const flags: [string, string | undefined][] = [];
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) {
      positional.push(a);
      continue;
    }
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    if (eq >= 0) {
      flags.push([body.slice(0, eq), body.slice(eq + 1)]);
      continue;
    }
    const next = args[i + 1];
    if (!BOOLEAN_FLAGS.has(body) && next !== undefined && !next.startsWith('--')) {
      flags.push([body, next]);
      i++;
    } else {
      flags.push([body, undefined]);
    }
  }
  return { flags, positional };
}

function canonicalType(t: string): string {
  const found = SA_TYPES.find((x) => x.toLowerCase() === t.toLowerCase());
  return found ?? t;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const warnings: string[] = [];
  const { flags, positional } = splitFlags(argv);
  const raw: Record<string, unknown> = { namespaces: [], searchAttributes: {} };
  const rest = positional[0] === 'server' && positional[1] === 'start-dev' ? positional.slice(2) : positional;
  if (rest.length === 1 && /^\d+$/.test(rest[0]!)) raw.port = rest[0];
  else if (rest.length > 0) warnings.push(`ignoring unexpected arguments \`${rest.join(' ')}\``);
  for (const [name, value] of flags) {
    if (!KNOWN.has(name)) {
      warnings.push(`ignoring unsupported flag \`--${name}\``);
      continue;
    }
    if (name === 'namespace') (raw.namespaces as string[]).push(String(value ?? ''));
    else if (name === 'search-attribute') {
      const [k, t] = String(value ?? '').split('=');
      (raw.searchAttributes as Record<string, string>)[k ?? ''] = canonicalType(t ?? '');
    } else if (name === 'headless' || name === 'ui-port') continue;
    else raw[name.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase())] = value;
  }
  if (raw.port === undefined) raw.port = 7233;
  const v = parseOrFail(Options, raw, 'dev server arguments');
  return { options: { ...v, searchAttributes: v.searchAttributes as Record<string, SearchAttributeType> }, warnings: [...new Set(warnings)] };
}
