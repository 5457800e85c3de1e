import { describe, expect, it } from 'vitest';
import type { ExecutionPlan } from '../types.js';
import { dependantsOf, extractPlan, topologicalOrder } from './index.js';
import { issuesOf } from './test-helpers.js';

type S = [id: string, deps?: string[]];
const steps = (...list: S[]) => list.map(([stepId, dependsOn = []]) => ({ stepId, tool: 't', args: {}, dependsOn }));
const plan = (...list: S[]): ExecutionPlan => extractPlan({ format: 'native', payload: { steps: steps(...list) } });

describe('plan graph validation', () => {
  const bad: Array<{ name: string; steps: S[]; path: string; message: string }> = [
    { name: 'a two-step cycle', steps: [['a', ['b']], ['b', ['a']]], path: 'steps', message: 'dependency cycle: `a → b → a`' },
    { name: 'a three-step cycle behind a clean step', steps: [['x'], ['a', ['x', 'c']], ['b', ['a']], ['c', ['b']]], path: 'steps', message: 'dependency cycle: `a → c → b → a`' },
    { name: 'a self-dependency', steps: [['a', ['a']]], path: 'steps[0].dependsOn[0]', message: 'step `a` depends on itself' },
    { name: 'a dangling dependency', steps: [['a'], ['b', ['a', 'ghost']]], path: 'steps[1].dependsOn[1]', message: 'depends on `ghost`, which is not a step of this plan' },
    { name: 'duplicate step ids', steps: [['a'], ['b'], ['a']], path: 'steps[2].stepId', message: 'duplicate step id `a`, first used at `steps[0]`' },
  ];
  it.each(bad)('rejects $name', ({ steps: list, path, message }) => {
    const issues = issuesOf(() => plan(...list));
    expect(issues[0]).toEqual({ path, message });
  });

  it('reports every structural problem at once', () => {
    expect(issuesOf(() => plan(['a', ['a']], ['a'], ['b', ['zz']])).map((i) => i.path)).toEqual(['steps[1].stepId', 'steps[0].dependsOn[0]', 'steps[2].dependsOn[0]']);
  });

  it('handles a 1,000-step chain without exhausting the stack', () => {
    const chain: S[] = Array.from({ length: 1000 }, (_, i) => [`s${i}`, i === 0 ? [] : [`s${i - 1}`]]);
    const p = plan(...chain);
    expect(topologicalOrder(p)).toHaveLength(1000);
    expect(dependantsOf(p, 's0')).toHaveLength(999);
  });
});

describe('topologicalOrder', () => {
  const cases: Array<{ name: string; steps: S[]; levels: string[][] }> = [
    { name: 'independent steps share one level, in plan order', steps: [['b'], ['a'], ['c']], levels: [['b', 'a', 'c']] },
    { name: 'a diamond', steps: [['d', ['b', 'c']], ['c', ['a']], ['b', ['a']], ['a']], levels: [['a'], ['c', 'b'], ['d']] },
    { name: 'a step waits for its deepest dependency', steps: [['a'], ['b', ['a']], ['c', ['b']], ['e', ['a', 'c']], ['f']], levels: [['a', 'f'], ['b'], ['c'], ['e']] },
  ];
  it.each(cases)('$name', ({ steps: list, levels }) => {
    expect(topologicalOrder(plan(...list))).toEqual(levels);
  });

  it('refuses a cyclic plan that did not come through extractPlan', () => {
    const raw = { planId: 'p', goal: '', steps: steps(['a', ['b']], ['b', ['a']]).map((s) => ({ ...s, provenance: {} })) };
    expect(issuesOf(() => topologicalOrder(raw))[0]?.message).toMatch(/cycle/);
  });
});

describe('dependantsOf', () => {
  const p = plan(['a'], ['b', ['a']], ['c', ['b']], ['d'], ['e', ['d', 'c']]);
  it.each([
    ['a', ['b', 'c', 'e']],
    ['b', ['c', 'e']],
    ['d', ['e']],
    ['e', []],
  ])('dependants of %s are %j', (id, expected) => {
    expect(dependantsOf(p, id)).toEqual(expected);
  });
  it('rejects an unknown step', () => {
    expect(issuesOf(() => dependantsOf(p, 'zz'), 'NOT_FOUND')[0]?.path).toBe('stepId');
  });
});
