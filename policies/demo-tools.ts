/**
 * @module The five demo tools a new install registers: file read/write in a sandbox, HTTP GET to
 * allowlisted URLs, e-mail into an outbox, and read-only SQL. Their argument schemas are closed
 * (no extra properties) and bounded, and their path and URL arguments are declared so that
 * governance/capability checks them before any policy runs.
 */
import type { ToolDefinition } from '../governance/types.js';

const closedObject = (properties: Record<string, unknown>, required: string[]): Record<string, unknown> => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

export const DEMO_TOOLS: ToolDefinition[] = [
  {
    name: 'read_file',
    description: 'Read a UTF-8 text file from the tenant sandbox.',
    argsSchema: closedObject({ path: { type: 'string', minLength: 1, maxLength: 512 } }, ['path']),
    requiredCapability: 'files:read',
    riskLevel: 'low',
    sideEffect: 'read',
    cost: { perCallUsd: 0, perTokenUsd: 0 },
    pathArgs: ['path'],
    urlArgs: [],
    urlAllowlist: [],
    maxStringLength: 512,
  },
  {
    name: 'write_file',
    description: 'Write a UTF-8 text file inside the tenant sandbox (replaces the file).',
    argsSchema: closedObject({ path: { type: 'string', minLength: 1, maxLength: 512 }, content: { type: 'string', maxLength: 100_000 } }, ['path', 'content']),
    requiredCapability: 'files:write',
    riskLevel: 'medium',
    sideEffect: 'write',
    cost: { perCallUsd: 0, perTokenUsd: 0 },
    pathArgs: ['path'],
    urlArgs: [],
    urlAllowlist: [],
    maxStringLength: 100_000,
  },
  {
    name: 'http_get',
    description: 'Fetch a web page or API response from an allowlisted URL.',
    argsSchema: closedObject({ url: { type: 'string', format: 'uri', maxLength: 2048 } }, ['url']),
    requiredCapability: 'http:get',
    riskLevel: 'medium',
    // why external: a GET can carry data out in its URL, so tainted calls are treated like sends
    sideEffect: 'external',
    cost: { perCallUsd: 0.001, perTokenUsd: 0 },
    pathArgs: [],
    urlArgs: ['url'],
    urlAllowlist: ['https://example.com/', 'https://docs.example.com/'],
    maxStringLength: 2048,
  },
  {
    name: 'send_email',
    description: 'Send an e-mail (delivered to the outbox table in the demo).',
    argsSchema: closedObject({
      to: { type: 'string', format: 'email', maxLength: 254 },
      subject: { type: 'string', minLength: 1, maxLength: 200 },
      body: { type: 'string', maxLength: 20_000 },
    }, ['to', 'subject', 'body']),
    requiredCapability: 'email:send',
    riskLevel: 'high',
    sideEffect: 'external',
    cost: { perCallUsd: 0.01, perTokenUsd: 0 },
    pathArgs: [],
    urlArgs: [],
    urlAllowlist: [],
    maxStringLength: 20_000,
  },
  {
    name: 'run_sql',
    description: 'Run one read-only SQL query against the demo schema.',
    argsSchema: closedObject({
      query: { type: 'string', minLength: 1, maxLength: 4000 },
      params: { type: 'array', maxItems: 20, items: { type: ['string', 'number', 'boolean', 'null'] } },
    }, ['query']),
    requiredCapability: 'sql:read',
    riskLevel: 'medium',
    sideEffect: 'read',
    cost: { perCallUsd: 0.002, perTokenUsd: 0 },
    pathArgs: [],
    urlArgs: [],
    urlAllowlist: [],
    maxStringLength: 4000,
  },
];
