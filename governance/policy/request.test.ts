import { describe, expect, it } from 'vitest';
import { cedar } from './cedar.js';
import { toCedarCall, type ShapeWithCache } from './request.js';
import { POLICY_SCHEMA } from './schema.js';
import { callRequest, NOW, READ_FILE } from './test-fixtures.js';
import type { PolicyRequest } from './types.js';

const everything: ShapeWithCache = {
  contextKeys: 'all',
  contextFields: new Map(),
  attributes: new Set(['tenant', 'capabilities', 'delegationDepth', 'actingFor', 'name', 'riskLevel', 'sideEffect', 'requiredCapability', 'server', 'uri']),
  usesHierarchy: true,
  capabilityProbes: 'all',
  toolCache: new WeakMap(),
};
const principal = { agentId: 'a', tenant: 'demo', capabilities: ['files:read'], actingFor: ['alice', 'svc-batch'] };

const requests: [string, PolicyRequest][] = [
  ['call_tool', callRequest({ call: { args: { to: 'bob@example.com', n: 3, nested: { list: [1, 'https://example.com/x'] }, __proto__x: null }, argTrust: { to: 'untrusted' }, budget: { fractionUsed: Number.NaN, exhausted: false } } })],
  ['list_tool', { action: 'list_tool', principal, tool: { ...READ_FILE, server: 'mcp-files' }, now: NOW }],
  ['read_resource', { action: 'read_resource', principal, resource: { uri: 'docs://a', server: 'kb' }, now: NOW }],
  ['get_prompt', { action: 'get_prompt', principal, prompt: { name: 'summarise', server: 'kb' }, now: NOW }],
];

describe('toCedarCall', () => {
  it.each(requests)('builds a %s request that conforms to the schema', (_a, request) => {
    const call = toCedarCall(request, 'unused', everything);
    const { preparsedPolicySetId: _id, ...rest } = call;
    const answer = cedar.isAuthorized({ ...rest, schema: POLICY_SCHEMA, validateRequest: true, policies: { staticPolicies: '' } });
    expect(answer.type === 'failure' ? answer.errors.map((e) => e.message) : []).toEqual([]);
  });

  it('projects arguments safely and fails closed on an unreadable budget', () => {
    const call = toCedarCall(requests[0]![1], 'unused', everything);
    const args = call.entities.find((e) => (e.uid as { type: string }).type === 'Args');
    expect(args?.tags).toEqual({ to: 'bob@example.com', n: '3', nested: '{"list":[1,"https://example.com/x"]}', __proto__x: 'null' });
    expect(call.context['budget']).toEqual({ fractionUsed: 100, exhausted: true });
    expect(call.context['urlHosts']).toEqual(['example.com']);
    expect(call.context['emailDomains']).toEqual(['example.com']);
  });

  it('keeps an argument named __proto__ as a plain tag', () => {
    const request = callRequest({ call: { args: JSON.parse('{"__proto__":"x","to":"a@b.example"}') as Record<string, unknown> } });
    const call = toCedarCall(request, 'unused', everything);
    const args = call.entities.find((e) => (e.uid as { type: string }).type === 'Args');
    expect(Object.keys(args?.tags ?? {})).toEqual(['__proto__', 'to']);
  });

  it('sends only what the policies read', () => {
    const shape: ShapeWithCache = { contextKeys: new Set(['tainted', 'time']), contextFields: new Map([['time', new Set(['hourUtc'])]]), attributes: new Set(['sideEffect']), usesHierarchy: false, capabilityProbes: 'all', toolCache: new WeakMap() };
    const call = toCedarCall(callRequest(), 'unused', shape);
    expect(call.context).toEqual({ tainted: false, time: { hourUtc: 10 } });
    expect(call.entities).toEqual([{ uid: { type: 'Tool', id: 'send_email' }, attrs: { sideEffect: 'external' }, parents: [] }]);
  });
});
