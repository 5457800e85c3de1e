import { describe, expect, it } from 'vitest';
import { extractPlan } from '../plan/index.js';
import type { PlanStep, TrustLevel } from '../types.js';
import { resolvePlanProvenance, resolveStepProvenance } from './index.js';

const plan = (steps: unknown[]) => extractPlan({ format: 'native', payload: { steps } });

/** fetch → summarise ×n → send: the summary steps try to launder the fetched content. */
function laundering(intermediates: number, declareTrusted = false) {
  const steps: unknown[] = [{ stepId: 'fetch', tool: 'http.get', args: { url: 'https://example.com' } }];
  let prev = 'fetch';
  for (let i = 1; i <= intermediates; i++) {
    steps.push({ stepId: `sum${i}`, tool: 'llm.summarise', args: { text: `{{steps.${prev}.output}}` }, dependsOn: [prev] });
    prev = `sum${i}`;
  }
  const provenance = declareTrusted ? { body: { source: 'user', trust: 'trusted' } } : {};
  steps.push({ stepId: 'send', tool: 'send_email', args: { to: 'boss@example.com', body: `{{steps.${prev}.output}}` }, dependsOn: [prev], provenance });
  return plan(steps);
}

// The summariser claims its output is internal; taint must still flow through it.
const trustSummaries = (s: PlanStep): TrustLevel => (s.tool === 'llm.summarise' ? 'internal' : 'untrusted');

describe('taint propagation', () => {
  it.each([1, 2, 3])('does not let %i summarise step(s) launder untrusted content', (n) => {
    const p = resolveStepProvenance(laundering(n), 'send', { outputTrust: trustSummaries });
    expect(p.tainted).toBe(true);
    expect(p.lowestTrust).toBe('untrusted');
    expect(p.taintSources).toEqual(['tool_output:http.get#fetch']);
    expect(p.args.body!.effectiveTrust).toBe('untrusted');
    expect(p.args.to!.effectiveTrust).toBe('internal');
  });

  it.each([1, 2, 3])('downgrades a declared `trusted` argument that derives from untrusted data through %i step(s)', (n) => {
    const p = resolveStepProvenance(laundering(n, true), 'send', { outputTrust: trustSummaries });
    expect(p.args.body).toMatchObject({ source: 'user', trust: 'trusted', effectiveTrust: 'untrusted', derivedFrom: [`sum${n}`] });
  });

  it('lists every intermediate tool output as a source when outputs are untrusted by default', () => {
    const p = resolveStepProvenance(laundering(2), 'send');
    expect(p.taintSources).toEqual(['tool_output:http.get#fetch', 'tool_output:llm.summarise#sum1', 'tool_output:llm.summarise#sum2']);
  });

  it('leaves a step with only agent arguments and no dependencies untainted', () => {
    const p = resolveStepProvenance(laundering(1), 'fetch');
    expect(p).toEqual({ args: { url: { source: 'agent', trust: 'internal', derivedFrom: [], effectiveTrust: 'internal' } }, tainted: false, taintSources: [], lowestTrust: 'internal' });
  });

  it('taints a step that merely depends on an untrusted step, even without referencing it', () => {
    const p = plan([{ stepId: 'a', tool: 'web.search', args: {} }, { stepId: 'b', tool: 'db.write', args: { row: 1 }, dependsOn: ['a'] }]);
    const b = resolveStepProvenance(p, 'b');
    expect(b.tainted).toBe(true);
    expect(b.args.row!.effectiveTrust).toBe('internal');
    expect(b.taintSources).toEqual(['tool_output:web.search#a']);
  });

  it('does not taint a dependant when the dependency output is trusted and its inputs are clean', () => {
    const p = plan([{ stepId: 'a', tool: 'clock.now', args: {} }, { stepId: 'b', tool: 'log', args: { t: '{{steps.a.output}}' }, dependsOn: ['a'] }]);
    const b = resolveStepProvenance(p, 'b', { outputTrust: () => 'trusted' });
    expect(b.tainted).toBe(false);
    expect(b.args.t!.effectiveTrust).toBe('trusted');
  });

  it('taints through inputs: a trusted tool fed external data yields external output', () => {
    const p = plan([
      { stepId: 'a', tool: 'calc', args: { expr: 'x' }, provenance: { expr: { source: 'retrieval:wiki', trust: 'external' } } },
      { stepId: 'b', tool: 'log', args: { v: '{{steps.a.output}}' }, dependsOn: ['a'] },
    ]);
    const all = resolvePlanProvenance(p, { outputTrust: () => 'trusted' });
    expect(all.get('a')).toMatchObject({ tainted: true, lowestTrust: 'external', taintSources: ['retrieval:wiki'] });
    expect(all.get('b')).toMatchObject({ tainted: true, lowestTrust: 'external', taintSources: ['retrieval:wiki'] });
  });

  it('a declared low trust is never raised by clean derivations', () => {
    const p = plan([{ stepId: 'a', tool: 't', args: {} }, { stepId: 'b', tool: 't', args: { x: 'hi' }, dependsOn: ['a'], provenance: { x: { source: 'user', trust: 'untrusted' } } }]);
    expect(resolveStepProvenance(p, 'b', { outputTrust: () => 'trusted' }).args.x!.effectiveTrust).toBe('untrusted');
  });

  it('fails closed on a derivation from a step that is not in the plan', () => {
    const raw = { planId: 'p', goal: '', steps: [{ stepId: 'b', tool: 't', args: { x: 1 }, dependsOn: [], provenance: { x: { source: 'agent' as const, trust: 'trusted' as const, derivedFrom: ['ghost'] } } }] };
    const b = resolveStepProvenance(raw, 'b');
    expect(b).toMatchObject({ tainted: true, taintSources: ['unknown_step#ghost'] });
    expect(b.args.x!.effectiveTrust).toBe('untrusted');
  });

  it('rejects an unknown step id', () => {
    expect(() => resolveStepProvenance(laundering(1), 'nope')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
