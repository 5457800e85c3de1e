/** The DOM-free parts of the forensics screens (ui/src/forensics, the drift error mapping), outside the browser. */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../ui/src/api/errors.js';
import { diffJson } from '../../ui/src/forensics/json-diff.js';
import { entriesByStep, isUntrusted, parseReplayGraph, provenanceByStep } from '../../ui/src/forensics/replay-facts.js';
import { validationErrorsOf } from '../../ui/src/forensics/cedar-errors.js';

describe('arguments against an earlier call', () => {
  it('prints like JSON.stringify(v, null, 2) and marks only the values that differ', () => {
    const now = { to: 'eve@evil.test', subject: 'report', cc: ['a@x.test', 'b@x.test'] };
    const d = diffJson(now, { to: 'carol@partner.test', subject: 'report', cc: ['a@x.test'], body: 'hi' });
    expect(d.lines.map((l) => l.text).join('\n')).toBe(JSON.stringify(now, null, 2));
    const marked = Object.fromEntries(d.lines.filter((l) => l.mark !== 'same').map((l) => [l.path, l.mark]));
    expect(marked).toEqual({ '/to': 'changed', '/cc/1': 'added' });
    expect(d.removed).toEqual(['/body']);
    expect([d.changed, d.added]).toEqual([1, 1]);
  });

  it('marks a value whose type changed, and nothing when the calls are the same', () => {
    expect(diffJson({ a: { b: 1 } }, { a: 'x' }).lines.filter((l) => l.path === '/a').map((l) => l.mark)).toEqual(['changed', 'changed']);
    const same = diffJson({ a: [1, { b: null }] }, { a: [1, { b: null }] });
    expect(same.lines.every((l) => l.mark === 'same')).toBe(true);
    expect([same.changed, same.added, same.removed.length]).toEqual([0, 0, 0]);
  });

  it('escapes keys in paths (RFC 6901)', () => {
    expect(diffJson({ 'a/b': 1, 'c~d': 2 }, {}).lines.map((l) => l.path)).toEqual(['', '/a~1b', '/c~0d', '']);
  });
});

describe('facts read off a replay', () => {
  const graph = JSON.stringify({
    nodes: [
      { id: 't/step/fetch', kind: 'step', label: 'fetch: http_get', data: { stepId: 'fetch' } },
      { id: 't/step/mail', kind: 'step', label: 'mail: send_email', data: { stepId: 'mail' } },
      { id: 't/source/user', kind: 'source', label: 'user', data: { source: 'user', trust: 'trusted' } },
      { id: 't/source/tool_output:http_get#fetch', kind: 'source', label: 'tool_output:http_get#fetch', data: { source: 'tool_output:http_get#fetch', trust: 'untrusted' } },
      { id: 't/plan', kind: 'plan', label: 'plan', data: {} },
    ],
    edges: [
      { from: 't/step/fetch', to: 't/plan', kind: 'derives-from' },
      { from: 't/step/fetch', to: 't/source/user', kind: 'derives-from' },
      { from: 't/step/mail', to: 't/source/tool_output:http_get#fetch', kind: 'derives-from' },
      { from: 't/step/mail', to: 't/source/tool_output:http_get#fetch', kind: 'tainted-by' },
    ],
  });

  it('gives each step its sources with trust and what tainted it', () => {
    const p = provenanceByStep(parseReplayGraph(graph)!);
    expect(p.get('fetch')).toEqual({ sources: [{ source: 'user', trust: 'trusted' }], taintedBy: [] });
    expect(p.get('mail')).toEqual({ sources: [{ source: 'tool_output:http_get#fetch', trust: 'untrusted' }], taintedBy: ['tool_output:http_get#fetch'] });
    expect([isUntrusted('untrusted'), isUntrusted('external'), isUntrusted('internal'), isUntrusted(null)]).toEqual([true, true, false, false]);
  });

  it('refuses text that is not a graph', () => {
    expect(parseReplayGraph('graph TD')).toBeNull();
    expect(parseReplayGraph('{"nodes": 1}')).toBeNull();
  });

  it('groups timeline entries by step, in order', () => {
    const e = (id: string, stepId?: string) => ({ id, kind: 'step.assessed', actor: { kind: 'system', id: 'worker' }, summary: '', data: {}, eventIds: [1], ...(stepId ? { stepId } : {}) });
    const by = entriesByStep([e('1'), e('2', 'a'), e('3', 'b'), e('4', 'a')]);
    expect([...by.keys()]).toEqual(['a', 'b']);
    expect(by.get('a')!.map((x) => x.id)).toEqual(['2', '4']);
  });
});

describe('drift preview errors', () => {
  it('turns cedar:LINE:COLUMN issues into inline validation errors and leaves other errors alone', () => {
    const e = new ApiError('BAD_USER_INPUT', 'invalid `cedar`', [{ path: 'cedar:3:14', message: 'unexpected token' }, { path: 'lastN', message: 'must be at most 1000' }]);
    expect(validationErrorsOf(e)).toEqual([{ message: 'unexpected token', line: 3, column: 14, policyId: null }]);
    expect(validationErrorsOf(new ApiError('FORBIDDEN', null))).toEqual([]);
  });
});
