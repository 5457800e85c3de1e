import { describe, expect, it } from 'vitest';
import { DEMO_TOOLS } from '../../policies/demo-tools.js';
import { isInterceptorError } from '../../lib/errors.js';
import type { ToolDefinition } from '../types.js';
import { closeSchema, pathProblem, urlProblem, validateToolCall, validateToolDefinition, type CapabilityResult } from './index.js';

const demo = (name: string): ToolDefinition => DEMO_TOOLS.find((t) => t.name === name)!;
const ALL = { capabilities: [...DEMO_TOOLS.map((t) => t.requiredCapability), 'x'] };
const codes = (r: CapabilityResult): string[] => (r.ok ? [] : r.reasons.map((x) => x.code));
const messages = (r: CapabilityResult): string[] => (r.ok ? [] : r.reasons.map((x) => x.message));
const call = (tool: ToolDefinition, args: unknown, identity = ALL): CapabilityResult => validateToolCall({ tool, toolName: tool.name, args, identity });

/** A tool whose schema forgot `additionalProperties: false`, with nested objects and a composed branch. */
const loose: ToolDefinition = {
  name: 'loose', description: '', requiredCapability: 'x', riskLevel: 'low', sideEffect: 'read', cost: { perCallUsd: 0, perTokenUsd: 0 },
  argsSchema: {
    type: 'object',
    properties: { n: { type: 'integer' }, opts: { type: 'object', properties: { flag: { type: 'boolean' } } } },
    allOf: [{ properties: { extra: { type: 'string' } } }],
  },
  pathArgs: [], urlArgs: [], urlAllowlist: [], maxStringLength: 50,
};

describe('validateToolCall: tool and capability', () => {
  it('accepts a well-formed call', () => {
    expect(call(demo('send_email'), { to: 'bob@example.com', subject: 's', body: 'b' })).toEqual({ ok: true });
  });
  it('refuses an unregistered tool, and a definition registered under another name', () => {
    expect(codes(validateToolCall({ toolName: 'rm_rf', args: {}, identity: ALL }))).toEqual(['UNKNOWN_TOOL']);
    expect(codes(validateToolCall({ tool: demo('read_file'), toolName: 'write_file', args: {}, identity: ALL }))).toEqual(['UNKNOWN_TOOL']);
  });
  it('names the missing capability', () => {
    const r = call(demo('send_email'), { to: 'bob@example.com', subject: 's', body: 'b' }, { capabilities: ['email:read', 'email:send:extra'] });
    expect(codes(r)).toEqual(['MISSING_CAPABILITY']);
    expect(messages(r)[0]).toBe('the agent lacks the capability `email:send` that `send_email` requires');
  });
});

describe('validateToolCall: adversarial schema evasion', () => {
  it.each([
    ['extra property on a closed schema', demo('send_email'), { to: 'a@example.com', subject: 's', body: 'b', bcc: 'eve@evil.example' }, ['`/`: unexpected property `bcc`']],
    ['extra property where the schema forgot to close it', loose, { n: 1, sneaky: true }, ['`/`: unexpected property `sneaky`']],
    ['extra nested property where the schema forgot to close it', loose, { opts: { flag: true, other: 1 } }, ['`/opts`: unexpected property `other`']],
    ['type confusion: "1" for an integer', loose, { n: '1' }, ['`/n`: must be integer']],
    ['type confusion: 1.5 for an integer', loose, { n: 1.5 }, ['`/n`: must be integer']],
    ['type confusion: "true" for a boolean', loose, { opts: { flag: 'true' } }, ['`/opts/flag`: must be boolean']],
    ['own __proto__ key', demo('read_file'), JSON.parse('{"path":"a.txt","__proto__":{"admin":true}}'), ['`/`: unexpected property `__proto__`']],
    ['own constructor key', demo('read_file'), { path: 'a.txt', constructor: 'x' }, ['`/`: unexpected property `constructor`']],
    ['a required field is not met by an inherited name', demo('read_file'), Object.create({ path: 'a.txt' }), ['`/`: missing required property `path`']],
    ['an array instead of an object', demo('read_file'), ['a.txt'], ['`/`: arguments must be an object']],
    ['a bad e-mail with two recipients', demo('send_email'), { to: 'a@example.com, eve@evil.example', subject: 's', body: 'b' }, ['`/to`: must match format "email"']],
  ])('%s', (_d, tool, args, expected) => {
    const r = call(tool, args);
    expect(messages(r)).toEqual(expected);
    expect(codes(r).every((c) => c === 'ARGS_SCHEMA')).toBe(true);
  });
  it('accepts properties declared in a composed branch (closing sees through allOf)', () => {
    expect(call(loose, { n: 1, extra: 'x', opts: { flag: false } })).toEqual({ ok: true });
  });
  it('refuses oversized strings, in values and in keys', () => {
    expect(codes(call(loose, { extra: 'x'.repeat(51) }))).toEqual(['OVERSIZED_STRING']);
    expect(codes(call(loose, { ['k'.repeat(60)]: 1 }))).toContain('OVERSIZED_STRING');
  });
  it('refuses nesting deeper than 32 levels without walking it', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { d: deep };
    expect(codes(call(loose, { opts: deep }))).toEqual(['TOO_DEEP']);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(codes(call(loose, cyclic))).toEqual(['TOO_DEEP']);
  });
});

describe('path arguments', () => {
  it.each([
    '../etc/passwd', 'a/../../b', '..', '/etc/passwd', 'C:/Windows', 'a\\..\\b', 'a\u0000.txt', '%2e%2e/secret', '%252e%252e%252fsecret',
    'a/%2E%2E/b', '\uff0e\uff0e/secret', '.. /x', '.../x', '~/.ssh/id_rsa', 'a//b', '$HOME/x', 'a/\n/b', '',
  ])('refuses %j', (p) => {
    expect(pathProblem(p)).toBeDefined();
    expect(codes(call(demo('read_file'), { path: p }))).toContain(p === '' ? 'ARGS_SCHEMA' : 'PATH_TRAVERSAL');
  });
  it.each(['notes.txt', 'reports/2026/q1.md', './a.txt', 'dir.with.dots/file..name'])('accepts %j', (p) => {
    expect(pathProblem(p)).toBeUndefined();
    expect(call(demo('read_file'), { path: p })).toEqual({ ok: true });
  });
});

describe('URL arguments', () => {
  const allow = ['https://example.com/', 'https://api.example.org/v1/'];
  it.each([
    ['https://allowed.com@evil.com/', 'user info'],
    ['https://example.com@evil.com/', 'user info'],
    ['https://example.com.evil.com/', 'not under'],
    ['https://example.com./', 'not under'],
    ['http://example.com/', 'not under'],
    ['https://example.com:8443/', 'not under'],
    ['https://api.example.org/v1evil', 'not under'],
    ['https://api.example.org/v2/', 'not under'],
    ['https://api.example.org/v1/../admin', 'not under'],
    ['https://api.example.org/v1/%2e%2e/admin', 'not under'],
    ['https://api.example.org/v1/..%2fadmin', 'encodes'],
    ['http://2130706433/', 'not under'],
    ['http://0x7f.1/', 'not under'],
    ['http://[::1]/', 'not under'],
    ['file:///etc/passwd', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['//example.com/', 'not an absolute URL'],
  ])('refuses %j', (url, why) => {
    expect(urlProblem(url, allow)).toContain(why);
  });
  // the zero-width space is dropped by IDNA mapping: fetch would reach example.com, and so do we
  it.each(['https://example.com/', 'https://example.com/a/b?q=1#f', 'https://EXAMPLE.com/x', 'https://api.example.org/v1/items', 'https://exa\u200bmple.com/'])('accepts %j', (url) => {
    expect(urlProblem(url, allow)).toBeUndefined();
  });
  it('refuses every URL when the tool has no allowlist, and checks URL arguments in calls', () => {
    expect(urlProblem('https://example.com/', [])).toContain('no URL allowlist');
    expect(codes(call(demo('http_get'), { url: 'https://example.com@evil.com/' }))).toEqual(['URL_NOT_ALLOWED']);
    expect(call(demo('http_get'), { url: 'https://docs.example.com/guide' })).toEqual({ ok: true });
  });
});

describe('validateToolDefinition', () => {
  it('accepts every demo tool', () => {
    for (const t of DEMO_TOOLS) expect(validateToolDefinition(t).name).toBe(t.name);
  });
  it('refuses a schema that does not compile, naming argsSchema', () => {
    try {
      validateToolDefinition({ ...loose, name: 'broken', argsSchema: { type: 'object', properties: { a: { type: 'no-such-type' } } } });
      throw new Error('expected a failure');
    } catch (e) {
      expect(isInterceptorError(e) && e.code).toBe('BAD_USER_INPUT');
      expect(isInterceptorError(e) && e.issues[0]?.path).toBe('argsSchema');
    }
  });
  it('refuses a definition missing fields, naming them', () => {
    expect(() => validateToolDefinition({ name: 'x' })).toThrow(/invalid tool definition/);
  });
  it('refuses a non-http allowlist entry', () => {
    expect(() => validateToolDefinition({ ...loose, name: 'u', urlAllowlist: ['ftp://example.com/'] })).toThrow(/urlAllowlist/);
  });
});

describe('closeSchema', () => {
  it('closes value schemas but not in-place branches, and keeps explicit openness', () => {
    expect(closeSchema({ type: 'object', properties: { a: { type: 'object' } }, anyOf: [{ properties: { b: {} } }], additionalProperties: true })).toEqual({
      type: 'object',
      properties: { a: { type: 'object', unevaluatedProperties: false } },
      anyOf: [{ properties: { b: { unevaluatedProperties: false } } }],
      additionalProperties: true,
    });
  });
});
