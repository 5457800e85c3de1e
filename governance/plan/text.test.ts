import { describe, expect, it } from 'vitest';
import { extractPlan } from './index.js';
import { issuesOf } from './test-helpers.js';

const native = { steps: [{ stepId: 'a', tool: 'search', args: { q: 'x' } }] };
const fenced = (v: unknown) => '```json\n' + JSON.stringify(v, null, 2) + '\n```';
const text = (payload: string) => extractPlan({ format: 'text', payload });

describe('extractPlan: text', () => {
  const found: Array<{ name: string; payload: string; tools: string[] }> = [
    { name: 'a fenced native plan', payload: `Here is my plan:\n\n${fenced(native)}\n\nLet me know.`, tools: ['search'] },
    { name: 'a bare native plan in prose', payload: `Plan follows ${JSON.stringify(native)} and that is all.`, tools: ['search'] },
    { name: 'a fenced anthropic response', payload: fenced({ content: [{ type: 'tool_use', id: 't1', name: 'read_file', input: { path: 'a' } }] }), tools: ['read_file'] },
    { name: 'a fenced chat message', payload: fenced({ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'search', arguments: '{}' } }] }), tools: ['search'] },
    { name: 'a bare mcp batch', payload: `calls: [{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a"}}]`, tools: ['a'] },
    { name: 'the same plan twice is one candidate', payload: `${fenced(native)}\nagain:\n${JSON.stringify(native)}`, tools: ['search'] },
    { name: 'unrelated JSON and braces in prose are ignored', payload: `Use {curly} and {"a":1} and [1,2] freely.\n${fenced(native)}\n\`\`\`json\n{"not":"a plan"}\n\`\`\``, tools: ['search'] },
    { name: 'uppercase JSON fence', payload: '```JSON\n' + JSON.stringify(native) + '\n```', tools: ['search'] },
  ];
  it.each(found)('finds $name', ({ payload, tools }) => {
    expect(text(payload).steps.map((s) => s.tool)).toEqual(tools);
  });

  it('names both positions when two different candidates appear', () => {
    const other = { steps: [{ stepId: 'b', tool: 'delete_all', args: {} }] };
    const issues = issuesOf(() => text(`first:\n${fenced(native)}\nsecond:\n  ${JSON.stringify(other)}`));
    expect(issues.map((i) => i.path)).toEqual(['3:1', '16:3']);
    expect(issues[0]?.message).toMatch(/2 different candidates at `3:1` and `16:3`/);
  });

  it('treats a plan and a tool call as ambiguous too', () => {
    const issues = issuesOf(() => text(`${JSON.stringify(native)}\n{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a"}}`));
    expect(issues.map((i) => i.path)).toEqual(['1:1', '2:1']);
  });

  const failures: Array<{ name: string; payload: unknown; path: string; message: RegExp }> = [
    { name: 'no candidate at all', payload: 'I will now call send_email to alice@example.com with the report.', path: '(root)', message: /no JSON plan or tool call/ },
    { name: 'a tool name in prose is never guessed', payload: 'Calling tool `delete_repo` with {repo: "x"}', path: '(root)', message: /no JSON plan/ },
    { name: 'a json fence that does not parse', payload: 'plan:\n```json\n{"steps": [\n  {"stepId": "a",}\n]}\n```', path: '4:18', message: /invalid JSON in a json block/ },
    { name: 'an unclosed json fence', payload: 'plan:\n```json\n{"steps": [', path: '3:12', message: /invalid JSON/ },
    { name: 'a candidate with a bad field, prefixed by its position', payload: `x\n  ${JSON.stringify({ content: [{ type: 'tool_use', id: 't', name: 'a', input: 5 }] })}`, path: '2:3/content[0].input', message: /JSON object/ },
    { name: 'a value with the shape of two formats', payload: '{"steps":[],"choices":[]}', path: '1:1', message: /several formats/ },
    { name: 'a payload that is not a string', payload: { steps: [] }, path: '(root)', message: /must be a string/ },
  ];
  it.each(failures)('rejects $name', ({ payload, path, message }) => {
    const issues = issuesOf(() => extractPlan({ format: 'text', payload }));
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toMatch(message);
  });

  it('rejects text over 1 MiB before scanning it', () => {
    const issues = issuesOf(() => text('a'.repeat(1024 * 1024 + 1)));
    expect(issues[0]?.message).toMatch(/more than the limit/);
  });

  it('stays fast on hostile text full of unterminated JSON openers', () => {
    const started = performance.now();
    const hostile = '{"a":"'.repeat(60_000);
    issuesOf(() => text(hostile));
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
