/** The execution graph model and its layered layout (ui/src/graph), outside the browser. */
import { describe, expect, it } from 'vitest';
import { layoutGraph } from '../../ui/src/graph/layout.js';
import { graphFromPlan } from '../../ui/src/graph/model.js';
import { fromGraphQLError } from '../../ui/src/api/errors.js';

const step = (stepId: string, dependsOn: string[] = []) => ({ stepId, tool: 'read_file', dependsOn, state: 'EXECUTED' as const, decision: 'ALLOW' as const });

describe('execution graph', () => {
  it('has one node per step and one edge per known dependency', () => {
    const g = graphFromPlan([step('a'), step('b'), step('c', ['a', 'b', 'ghost'])]);
    expect(g.nodes.map((n) => n.id)).toEqual(['a', 'b', 'c']);
    expect(g.edges).toEqual([{ from: 'a', to: 'c' }, { from: 'b', to: 'c' }]);
  });

  it('lays a diamond out in ranks, not as a chain', () => {
    const l = layoutGraph(graphFromPlan([step('root'), step('left', ['root']), step('right', ['root']), step('join', ['left', 'right'])]));
    const at = Object.fromEntries(l.nodes.map((n) => [n.id, n]));
    expect(at.left!.x).toBe(at.right!.x);
    expect(at.left!.y).not.toBe(at.right!.y);
    expect(at.root!.x).toBeLessThan(at.left!.x);
    expect(at.join!.x).toBeGreaterThan(at.left!.x);
    expect(l.edges.every((e) => e.points.length >= 2)).toBe(true);
  });

  it('lays out a 200-step plan with no two nodes on the same spot', () => {
    const steps = Array.from({ length: 200 }, (_, i) => step(`s${i}`, i ? [`s${Math.floor((i - 1) / 2)}`] : []));
    const l = layoutGraph(graphFromPlan(steps));
    expect(new Set(l.nodes.map((n) => `${Math.round(n.x)},${Math.round(n.y)}`)).size).toBe(200);
    expect(l.width).toBeGreaterThan(0);
  });
});

describe('API errors in the UI', () => {
  it('keeps the message of an expected error and hides that of an unexpected one', () => {
    expect(fromGraphQLError({ message: 'approval `x` is already decided', extensions: { code: 'CONFLICT' } })).toMatchObject({ code: 'CONFLICT', detail: 'approval `x` is already decided' });
    const masked = fromGraphQLError({ message: 'TypeError: cannot read x at /app/api/y.ts:3', extensions: { code: 'SOMETHING_NEW' } });
    expect(masked).toMatchObject({ code: 'UNKNOWN', detail: null });
    expect(fromGraphQLError({ message: 'bad', extensions: { code: 'BAD_USER_INPUT', issues: [{ path: 'input.reason', message: 'required' }, 'junk'] } }).issues)
      .toEqual([{ path: 'input.reason', message: 'required' }]);
  });
});
