import { describe, expect, it } from 'vitest';
import type { PlanFormat } from '../types.js';
import { extractPlan } from './index.js';
import { chatCall, issuesOf } from './test-helpers.js';

const agent = { source: 'agent', trust: 'internal', derivedFrom: [] };

describe('extractPlan: tool-call formats become independent steps', () => {
  const cases: Array<{ name: string; format: PlanFormat; payload: unknown; steps: Array<[string, string, Record<string, unknown>]> }> = [
    {
      name: 'openai chat completion',
      format: 'openai_chat',
      payload: { choices: [{ message: { role: 'assistant', content: null, tool_calls: [chatCall('call_AB1', 'search', { q: 'x' }), chatCall('call_AB2', 'send_email', { to: 'a@b.c' })] } }] },
      steps: [['call_AB1', 'search', { q: 'x' }], ['call_AB2', 'send_email', { to: 'a@b.c' }]],
    },
    {
      name: 'openai chat bare message',
      format: 'openai_chat',
      payload: { role: 'assistant', tool_calls: [chatCall('c1', 'search', {})] },
      steps: [['c1', 'search', {}]],
    },
    {
      name: 'openai responses, ignoring reasoning and message items',
      format: 'openai_responses',
      payload: {
        output: [
          { type: 'reasoning', id: 'rs_1', summary: [] },
          { type: 'function_call', id: 'fc_1', call_id: 'call_9', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'message', role: 'assistant', content: [] },
        ],
      },
      steps: [['call_9', 'get_weather', { city: 'Paris' }]],
    },
    {
      name: 'anthropic messages, ignoring text blocks',
      format: 'anthropic',
      payload: { role: 'assistant', content: [{ type: 'text', text: 'let me look' }, { type: 'tool_use', id: 'toolu_01A', name: 'search', input: { q: 'x' } }] },
      steps: [['toolu_01A', 'search', { q: 'x' }]],
    },
    {
      name: 'mcp single request with numeric id',
      format: 'mcp',
      payload: { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'fs/read', arguments: { path: '/tmp/a' } } },
      steps: [['7', 'fs/read', { path: '/tmp/a' }]],
    },
    {
      name: 'mcp batch, arguments optional',
      format: 'mcp',
      payload: [
        { jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'x' } },
        { jsonrpc: '2.0', id: 'b', method: 'tools/call', params: { name: 'y', arguments: { n: 1 } } },
      ],
      steps: [['a', 'x', {}], ['b', 'y', { n: 1 }]],
    },
    {
      name: 'call ids are sanitised; unusable ones become step-<n>',
      format: 'anthropic',
      payload: { content: [{ type: 'tool_use', id: 'tool use/1', name: 'a', input: {} }, { type: 'tool_use', id: '', name: 'b', input: {} }] },
      steps: [['tool_use_1', 'a', {}], ['step-2', 'b', {}]],
    },
  ];

  it.each(cases)('$name', ({ format, payload, steps }) => {
    const plan = extractPlan({ format, payload, goal: 'do it' });
    expect(plan.goal).toBe('do it');
    expect(plan.planId).toMatch(/^plan_[0-9a-f]{16}$/);
    expect(plan.steps.map((s) => [s.stepId, s.tool, s.args])).toEqual(steps);
    for (const s of plan.steps) {
      expect(s.dependsOn).toEqual([]);
      for (const name of Object.keys(s.args)) expect(s.provenance[name]).toEqual(agent);
    }
  });

  it('accepts a JSON string payload and derives the same planId as the object form', () => {
    const payload = { content: [{ type: 'tool_use', id: 't1', name: 'search', input: { q: 'x' } }] };
    expect(extractPlan({ format: 'anthropic', payload: JSON.stringify(payload, null, 2) }).planId).toBe(extractPlan({ format: 'anthropic', payload }).planId);
  });

  it('derives different planIds for different steps', () => {
    const mk = (q: string) => extractPlan({ format: 'anthropic', payload: { content: [{ type: 'tool_use', id: 't1', name: 'search', input: { q } }] } }).planId;
    expect(mk('a')).not.toBe(mk('b'));
  });
});

describe('extractPlan: malformed input names the field', () => {
  const cases: Array<{ name: string; format: PlanFormat; payload: unknown; path: string; message: RegExp }> = [
    { name: 'chat: unparseable arguments', format: 'openai_chat', payload: { choices: [{ message: { tool_calls: [chatCall('c1', 'a', {}), chatCall('c2', 'b', '{"to": ')] } }] }, path: 'choices[0].message.tool_calls[1].function.arguments', message: /not valid JSON/ },
    { name: 'chat: arguments encode an array', format: 'openai_chat', payload: { tool_calls: [chatCall('c1', 'a', '[1,2]')] }, path: 'tool_calls[0].function.arguments', message: /JSON object/ },
    { name: 'chat: arguments already an object', format: 'openai_chat', payload: { tool_calls: [{ id: 'c', type: 'function', function: { name: 'a', arguments: { x: 1 } } }] }, path: 'tool_calls[0].function.arguments', message: /JSON string/ },
    { name: 'chat: duplicate keys in arguments (parser differential)', format: 'openai_chat', payload: { tool_calls: [chatCall('c1', 'a', '{"to":"a@x","to":"b@y"}')] }, path: 'tool_calls[0].function.arguments', message: /duplicate key `to`/ },
    { name: 'chat: wrong call type', format: 'openai_chat', payload: { tool_calls: [{ id: 'c', type: 'custom', function: { name: 'a', arguments: '{}' } }] }, path: 'tool_calls[0].type', message: /must be `function`/ },
    { name: 'chat: no tool calls', format: 'openai_chat', payload: { choices: [{ message: { role: 'assistant', content: 'hi' } }] }, path: 'choices[0].message.tool_calls', message: /no tool calls/ },
    { name: 'chat: tool name with spaces', format: 'openai_chat', payload: { tool_calls: [chatCall('c1', 'rm -rf', {})] }, path: 'tool_calls[0].function.name', message: /tool name/ },
    { name: 'chat: duplicate call ids', format: 'openai_chat', payload: { tool_calls: [chatCall('c1', 'a', {}), chatCall('c1', 'b', {})] }, path: 'tool_calls[1]', message: /already used/ },
    { name: 'responses: bad arguments', format: 'openai_responses', payload: { output: [{ type: 'function_call', call_id: 'c', name: 'a', arguments: '{nope}' }] }, path: 'output[0].arguments', message: /not valid JSON/ },
    { name: 'responses: unknown item type fails closed', format: 'openai_responses', payload: { output: [{ type: 'custom_tool_call', call_id: 'c', name: 'a', input: 'x' }] }, path: 'output[0].type', message: /unsupported output item type/ },
    { name: 'responses: missing call_id', format: 'openai_responses', payload: { output: [{ type: 'function_call', name: 'a', arguments: '{}' }] }, path: 'output[0].call_id', message: /string/ },
    { name: 'responses: only messages', format: 'openai_responses', payload: { output: [{ type: 'message', content: [] }] }, path: 'output', message: /no `function_call`/ },
    { name: 'anthropic: input not an object', format: 'anthropic', payload: { content: [{ type: 'tool_use', id: 't', name: 'a', input: 'rm' }] }, path: 'content[0].input', message: /JSON object/ },
    { name: 'anthropic: server tool block fails closed', format: 'anthropic', payload: { content: [{ type: 'server_tool_use', id: 't', name: 'web_search', input: {} }] }, path: 'content[0].type', message: /unsupported content block/ },
    { name: 'anthropic: missing name', format: 'anthropic', payload: { content: [{ type: 'tool_use', id: 't', input: {} }] }, path: 'content[0].name', message: /naming the tool/ },
    { name: 'mcp: wrong method', format: 'mcp', payload: { jsonrpc: '2.0', id: 1, method: 'tools/list' }, path: 'method', message: /tools\/call/ },
    { name: 'mcp: notification without id', format: 'mcp', payload: { jsonrpc: '2.0', method: 'tools/call', params: { name: 'a' } }, path: 'id', message: /string or an integer/ },
    { name: 'mcp: batch item arguments not an object', format: 'mcp', payload: [{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'a', arguments: [1] } }], path: '[0].params.arguments', message: /JSON object/ },
    { name: 'mcp: empty batch', format: 'mcp', payload: [], path: '(root)', message: /at least one/ },
    { name: 'mcp: wrong jsonrpc version', format: 'mcp', payload: { jsonrpc: '1.0', id: 1, method: 'tools/call', params: { name: 'a' } }, path: 'jsonrpc', message: /2\.0/ },
    { name: 'native: missing tool', format: 'native', payload: { steps: [{ stepId: 'a', args: {} }] }, path: 'steps[0].tool', message: /.+/ },
    { name: 'native: typo key is rejected, not dropped', format: 'native', payload: { steps: [{ stepId: 'a', tool: 't', args: {}, dependson: ['x'] }] }, path: 'steps[0]', message: /dependson/ },
    { name: 'native: empty steps', format: 'native', payload: { steps: [] }, path: 'steps', message: /.+/ },
    { name: 'string payload that is not JSON', format: 'anthropic', payload: '{\n  "content": [ oops ]\n}', path: '2:16', message: /invalid JSON/ },
    { name: 'payload with a function in it', format: 'anthropic', payload: { content: [{ type: 'tool_use', id: 't', name: 'a', input: { f: () => 1 } }] }, path: 'content[0].input.f', message: /JSON data/ },
    { name: 'payload with NaN', format: 'native', payload: { steps: [{ stepId: 'a', tool: 't', args: { n: Number.NaN } }] }, path: 'steps[0].args.n', message: /finite/ },
  ];

  it.each(cases)('$name → `$path`', ({ format, payload, path, message }) => {
    const issues = issuesOf(() => extractPlan({ format, payload }));
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toMatch(message);
  });

  it('rejects an unknown format and unknown input keys, naming the field', () => {
    expect(issuesOf(() => extractPlan({ format: 'yaml' as PlanFormat, payload: {} }))[0]?.path).toBe('format');
    expect(issuesOf(() => extractPlan({ format: 'native', payload: {}, extra: 1 } as never))[0]?.message).toMatch(/extra/);
  });

  it('rejects a `__proto__` key, which zod would drop silently', () => {
    const inString = issuesOf(() => extractPlan({ format: 'openai_chat', payload: { tool_calls: [chatCall('c', 'a', '{"__proto__":{"admin":true}}')] } }));
    expect(inString[0]).toEqual({ path: 'tool_calls[0].function.arguments', message: expect.stringMatching(/`__proto__` is not allowed/) });
    const inObject = issuesOf(() => extractPlan({ format: 'anthropic', payload: { content: [{ type: 'tool_use', id: 't', name: 'a', input: JSON.parse('{"__proto__":{"admin":true}}') }] } }));
    expect(inObject[0]?.path).toBe('content[0].input.__proto__');
  });
});
