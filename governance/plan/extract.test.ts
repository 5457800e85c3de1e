import { describe, expect, it } from 'vitest';
import { extractPlan, findStepReferences, PLAN_LIMITS } from './index.js';
import { chatCall, issuesOf } from './test-helpers.js';

const native = (steps: unknown[], extra: Record<string, unknown> = {}) => extractPlan({ format: 'native', payload: { steps, ...extra } });
const nest = (depth: number): Record<string, unknown> => (depth <= 1 ? { leaf: 1 } : { n: nest(depth - 1) });

describe('extractPlan: limits', () => {
  it('accepts args nested exactly 32 deep and rejects 33', () => {
    expect(native([{ stepId: 'a', tool: 't', args: nest(32) }]).steps).toHaveLength(1);
    const issues = issuesOf(() => native([{ stepId: 'a', tool: 't', args: nest(33) }]));
    expect(issues[0]).toEqual({ path: 'steps[0].args', message: 'arguments nest deeper than 32' });
  });

  it('applies the depth limit to JSON-encoded arguments too', () => {
    const issues = issuesOf(() => extractPlan({ format: 'openai_chat', payload: { tool_calls: [chatCall('c', 'a', nest(33))] } }));
    expect(issues[0]).toEqual({ path: 'tool_calls[0].function.arguments', message: 'arguments nest deeper than 32' });
  });

  it('accepts 1,000 steps and rejects 1,001', () => {
    const steps = (n: number) => Array.from({ length: n }, (_, i) => ({ stepId: `s${i}`, tool: 't', args: {} }));
    expect(native(steps(1000)).steps).toHaveLength(PLAN_LIMITS.maxSteps);
    expect(issuesOf(() => native(steps(1001)))[0]).toEqual({ path: 'steps', message: 'has 1001 steps, more than the limit of 1000' });
    const calls = Array.from({ length: 1001 }, (_, i) => ({ type: 'tool_use', id: `t${i}`, name: 'a', input: {} }));
    expect(issuesOf(() => extractPlan({ format: 'anthropic', payload: { content: calls } }))[0]?.path).toBe('steps');
  });

  it('measures the payload on canonical JSON: whitespace does not count, content does', () => {
    const body = 'x'.repeat(PLAN_LIMITS.maxPayloadBytes - 200);
    const payload = { content: [{ type: 'tool_use', id: 't', name: 'a', input: { body } }] };
    const padded = JSON.stringify(payload, null, 40).replace('{', '{' + ' '.repeat(200_000));
    expect(extractPlan({ format: 'anthropic', payload: padded }).steps).toHaveLength(1);
    const over = { content: [{ type: 'tool_use', id: 't', name: 'a', input: { body: body + 'x'.repeat(300) } }] };
    expect(issuesOf(() => extractPlan({ format: 'anthropic', payload: over }))[0]?.message).toMatch(/canonical JSON, more than the limit of 1048576/);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const body = 'é'.repeat(PLAN_LIMITS.maxPayloadBytes / 2);
    expect(issuesOf(() => extractPlan({ format: 'anthropic', payload: { content: [{ type: 'tool_use', id: 't', name: 'a', input: { body } }] } }))[0]?.message).toMatch(/more than the limit/);
  });

  it('rejects a cyclic JS object instead of recursing forever', () => {
    const input: Record<string, unknown> = {};
    input.self = input;
    expect(issuesOf(() => extractPlan({ format: 'anthropic', payload: { content: [{ type: 'tool_use', id: 't', name: 'a', input }] } }))[0]?.message).toMatch(/nesting deeper/);
  });
});

describe('extractPlan: argument provenance', () => {
  it('defaults every argument to the agent with internal trust', () => {
    const plan = native([{ stepId: 'a', tool: 't', args: { x: 1, y: 'two' } }]);
    expect(plan.steps[0]!.provenance).toEqual({ x: { source: 'agent', trust: 'internal', derivedFrom: [] }, y: { source: 'agent', trust: 'internal', derivedFrom: [] } });
  });

  it('uses defaults.provenance for arguments that declare nothing', () => {
    const plan = extractPlan({ format: 'anthropic', payload: { content: [{ type: 'tool_use', id: 't', name: 'a', input: { q: 'x' } }] }, defaults: { provenance: { source: 'user', trust: 'trusted' } } });
    expect(plan.steps[0]!.provenance.q).toEqual({ source: 'user', trust: 'trusted', derivedFrom: [] });
  });

  it('marks arguments that reference a step output as untrusted tool output of that step', () => {
    const plan = native([
      { stepId: 'fetch', tool: 'http.get', args: { url: 'https://example.com' } },
      { stepId: 'mail', tool: 'send_email', args: { to: 'a@b.c', body: 'Summary: {{steps.fetch.output.body}}', cc: ['{{ steps.fetch.output }}'] }, dependsOn: ['fetch'] },
    ]);
    const p = plan.steps[1]!.provenance;
    expect(p.to).toEqual({ source: 'agent', trust: 'internal', derivedFrom: [] });
    expect(p.body).toEqual({ source: 'tool_output:http.get#fetch', trust: 'untrusted', derivedFrom: ['fetch'] });
    expect(p.cc).toEqual({ source: 'tool_output:http.get#fetch', trust: 'untrusted', derivedFrom: ['fetch'] });
  });

  it('keeps a declared trust but still records what the argument derives from', () => {
    const plan = native([
      { stepId: 'fetch', tool: 'mcp:web/fetch', args: {} },
      { stepId: 'b', tool: 't', args: { x: '{{steps.fetch.output}}' }, dependsOn: ['fetch'], provenance: { x: { source: 'user', trust: 'trusted' } } },
    ]);
    expect(plan.steps[1]!.provenance.x).toEqual({ source: 'user', trust: 'trusted', derivedFrom: ['fetch'] });
  });

  const bad: Array<{ name: string; steps: unknown[]; path: string; message: RegExp }> = [
    { name: 'a reference to a step outside dependsOn', steps: [{ stepId: 'a', tool: 't', args: {} }, { stepId: 'b', tool: 't', args: { x: { deep: ['{{steps.a.output}}'] } } }], path: 'steps[1].args.x', message: /not in this step's `dependsOn`/ },
    { name: 'a reference in a tool call of one turn', steps: [{ stepId: 'a', tool: 't', args: {} }, { stepId: 'b', tool: 't', args: { x: 'use {{steps.a.output.body}}' } }], path: 'steps[1].args.x', message: /dependsOn/ },
    { name: 'a malformed reference', steps: [{ stepId: 'a', tool: 't', args: {} }, { stepId: 'b', tool: 't', args: { x: '{{steps.a}}' }, dependsOn: ['a'] }], path: 'steps[1].args.x', message: /malformed step reference/ },
    { name: 'provenance for an argument the step lacks', steps: [{ stepId: 'a', tool: 't', args: {}, provenance: { ghost: { source: 'user', trust: 'trusted' } } }], path: 'steps[0].provenance.ghost', message: /does not have/ },
    { name: 'a derivedFrom naming a step it does not depend on', steps: [{ stepId: 'a', tool: 't', args: {} }, { stepId: 'b', tool: 't', args: { x: 1 }, provenance: { x: { source: 'agent', trust: 'internal', derivedFrom: ['a'] } } }], path: 'steps[1].provenance.x.derivedFrom', message: /does not depend on/ },
    { name: 'an invalid source', steps: [{ stepId: 'a', tool: 't', args: { x: 1 }, provenance: { x: { source: 'the internet', trust: 'trusted' } } }], path: 'steps[0].provenance.x.source', message: /must be/ },
  ];
  it.each(bad)('rejects $name', ({ steps, path, message }) => {
    const issues = issuesOf(() => native(steps));
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toMatch(message);
  });

  it('accepts a derivedFrom naming a transitive dependency', () => {
    const plan = native([
      { stepId: 'a', tool: 't', args: {} },
      { stepId: 'b', tool: 't', args: {}, dependsOn: ['a'] },
      { stepId: 'c', tool: 't', args: { x: 1 }, dependsOn: ['b'], provenance: { x: { source: 'retrieval:kb', trust: 'external', derivedFrom: ['a'] } } },
    ]);
    expect(plan.steps[2]!.provenance.x!.derivedFrom).toEqual(['a']);
  });

  it('keeps a given planId and goal, else derives the id from the steps', () => {
    expect(native([{ stepId: 'a', tool: 't', args: {} }], { planId: 'p-1', goal: 'g' })).toMatchObject({ planId: 'p-1', goal: 'g' });
    expect(native([{ stepId: 'a', tool: 't', args: {} }]).planId).toBe(native([{ stepId: 'a', tool: 't', args: {} }]).planId);
  });
});

describe('findStepReferences', () => {
  it.each([
    ['{{steps.a.output}}', [{ stepId: 'a', outputPath: '' }]],
    ['{{steps.fetch-1.output.items[0].url}} and {{steps.b:2.output}}', [{ stepId: 'fetch-1', outputPath: '.items[0].url' }, { stepId: 'b:2', outputPath: '' }]],
    ['{{steps.a.b.output.c}}', [{ stepId: 'a.b', outputPath: '.c' }]],
    ['no reference, just {{braces}} and steps.a.output', []],
  ])('%s', (text, refs) => {
    expect(findStepReferences({ v: [text] }, 'args')).toEqual(refs);
  });
});
