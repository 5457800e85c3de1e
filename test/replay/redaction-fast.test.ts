/**
 * The fast redaction paths must give exactly what governance/audit's `redact` gives: redactJson on any
 * value, and redactHistoryEvents against the straightforward algorithm (payloads decoded, the
 * skeleton and the values each redacted by `redact`, payloads re-encoded), kept here as the reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact, type RedactionOptions } from '../../governance/audit/index.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { redactJson } from '../../replay/evidence/fast-redact.js';
import { redactHistoryEvents } from '../../replay/evidence/redaction.js';
import { decodePayload, encodingOf, jsonPayload } from '../../replay/history/payloads.js';
import { governedHistory, SCENARIOS, type TaskSpec } from './scenarios.js';

const SECRETS = ['sk-live0123456789abcdefghijKLMN', 'ghp_0123456789abcdefghijklmnopqrstuvwxyz', 'AKIAIOSFODNN7EXAMPLE', 'Bearer abcdef0123456789abcdef', 'postgres://u:pw@db/x', 'jane.doe@example.com', '+1 (555) 123-4567', '4111 1111 1111 1111', 'DE89 3704 0044 0532 0130 00'];
const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...SECRETS), fc.constantFrom(...SECRETS).map((s) => `note ${s} end`), fc.constantFrom('[REDACTED:jwt]', ''));
// Keys that are secrets by name, keys holding secrets (redacted, and then colliding), plain keys.
const key = fc.oneof(fc.constantFrom('password', 'apiKey', 'note', 'token', 'x-api-key', 'maxTokens', '__proto__', 'a', SECRETS[0]!, SECRETS[1]!, '[REDACTED:openai_key]'), fc.string({ maxLength: 5 }));
const leaf = fc.oneof(text, fc.integer(), fc.constantFrom(4111111111111111, 5555555555554444, 1764100000000, -3, 0.5), fc.boolean(), fc.constant(null), fc.constant(undefined));
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
})).node;
const OPTIONS: RedactionOptions[] = [{}, { piiMode: 'hash' }, { pii: ['email', 'phone', 'card', 'iban'] }, { pii: [] }, { maxDepth: 3 }, { secretKeys: ['note'] }, { maxDepth: 1 }];

function viaRedact(v: unknown, opts: RedactionOptions): { value: unknown; count: number } {
  const r = redact(v, opts);
  return { value: r.value, count: r.redactions.length };
}

describe('redactJson', () => {
  it('gives redact\'s value and redaction count for any JSON-like value and options', () => {
    fc.assert(fc.property(tree, fc.constantFrom(...OPTIONS), (v, opts) => {
      const fast = redactJson(v, opts);
      const ref = viaRedact(v, opts);
      expect(canonicalJson(fast.value)).toBe(canonicalJson(ref.value));
      expect(Object.keys(fast.value ?? {})).toEqual(Object.keys(ref.value ?? {}));
      expect(fast.count).toBe(ref.count);
    }), { numRuns: 1500 });
  });

  it('follows redact on dates, bytes, maps, sets, errors, bigints, cycles, holes and shared subtrees', () => {
    const shared = { note: SECRETS[0] };
    const cyclic: Record<string, unknown> = { name: 'root' };
    cyclic.self = cyclic;
    const values: unknown[] = [
      { at: new Date(0), bad: new Date(NaN), bytes: new Uint8Array(3), buf: new ArrayBuffer(2) },
      { m: new Map<unknown, unknown>([[1, SECRETS[2]], ['password', 'x']]), s: new Set([SECRETS[3], 1]) },
      { e: new Error(`failed with ${SECRETS[1]}`), n: 4111111111111111n },
      cyclic, [shared, shared, { shared }], [1, , 3], { f: () => 1, password: () => 1, s: Symbol('x') }, undefined,
    ];
    for (const v of values) for (const opts of OPTIONS) expect(redactJson(v, opts)).toEqual(viaRedact(v, opts));
  });

  it('rejects invalid options as redact does', () => {
    expect(() => redactJson({ a: 1 }, { maxDepth: 0 })).toThrow(/maxDepth/);
    expect(() => redactJson({ a: 1 }, { pii: ['nope' as never] })).toThrow(/pii/);
  });
});

/** The reference: what redactHistoryEvents computed before it walked a history once. */
function referenceRedaction(events: readonly unknown[], opts: RedactionOptions): { events: unknown[]; count: number } {
  const values: unknown[] = [];
  let undecodable = 0;
  const slots = new Map<object, number>();
  const extract = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(extract);
    if (v === null || typeof v !== 'object') return v;
    if (typeof (v as { metadata?: { encoding?: unknown } }).metadata?.encoding === 'string' && encodingOf(v) !== 'binary/null') {
      const d = encodingOf(v) === 'json/plain' ? decodePayload(v) : { ok: false as const };
      if (!d.ok) undecodable++;
      values.push(d.ok ? d.value : '[REDACTED:undecodable_payload]');
      const slot = { __payload: values.length - 1 };
      slots.set(slot, values.length - 1);
      return slot;
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, extract(x)]));
  };
  const skeleton = extract(events);
  const s = redact(skeleton, { maxDepth: 64, ...opts });
  const p = redact(values, { maxDepth: 64, ...opts });
  const restore = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(restore);
    if (v === null || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '__payload') return jsonPayload((p.value as unknown[])[(v as { __payload: number }).__payload]);
    return Object.fromEntries(keys.map((k) => [k, restore((v as Record<string, unknown>)[k])]));
  };
  return { events: restore(s.value) as unknown[], count: s.redactions.length + p.redactions.length + undecodable };
}

const secretTask: TaskSpec = {
  taskId: 'task-secret', goal: `use ${SECRETS[0]}`,
  steps: [{ stepId: 'call', tool: 'http_get', args: { url: 'https://api.test/x', headers: { Authorization: SECRETS[3] }, token: SECRETS[1], note: `mail ${SECRETS[5]} or ${SECRETS[6]}`, card: 4111111111111111 }, verdict: 'ALLOW' }],
};

describe('redactHistoryEvents', () => {
  it.each([...Object.keys(SCENARIOS), 'secret'])('gives the reference redaction of the %s history', (name) => {
    const h = governedHistory(name === 'secret' ? secretTask : SCENARIOS[name]!);
    // an undecodable payload and one of another encoding are replaced whole
    (h.events[1]!.workflowTaskScheduledEventAttributes as Record<string, unknown>).extra = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{not json').toString('base64') };
    (h.events[2]!.workflowTaskStartedEventAttributes as Record<string, unknown>).extra = { metadata: { encoding: Buffer.from('binary/custom').toString('base64') }, data: 'AAAA' };
    // keys that collide once redacted: which one keeps the plain name depends on redact's order
    (h.events[2]!.workflowTaskStartedEventAttributes as Record<string, unknown>).headers = { [SECRETS[0]!]: 'first', '[REDACTED:openai_key]': 'second' };
    for (const opts of [{}, { piiMode: 'hash' as const }, { pii: [] }]) {
      const fast = redactHistoryEvents(h.events, opts);
      const ref = referenceRedaction(h.events, opts);
      expect(canonicalJson(fast.events)).toBe(canonicalJson(ref.events));
      expect(fast.count).toBe(ref.count);
    }
  });

  it('writes every object with its keys in canonical order', () => {
    const { events } = redactHistoryEvents(governedHistory(secretTask).events);
    const unordered: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}/${i}`));
      if (v === null || typeof v !== 'object') return;
      const keys = Object.keys(v);
      if (keys.join('\u0000') !== [...keys].sort().join('\u0000')) unordered.push(path);
      for (const k of keys) walk((v as Record<string, unknown>)[k], `${path}/${k}`);
    };
    walk(events, '');
    expect(unordered).toEqual([]);
  });

  it('leaves no planted secret in the events or their payloads', () => {
    const { events, count } = redactHistoryEvents(governedHistory(secretTask).events);
    const json = JSON.stringify(events);
    const decoded = [...json.matchAll(/"([A-Za-z0-9+/]{16,}={0,2})"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8')).join('\n');
    for (const s of [SECRETS[0]!, SECRETS[1]!, 'abcdef0123456789abcdef', SECRETS[5]!, '4111111111111111']) {
      expect(json).not.toContain(s);
      expect(decoded).not.toContain(s);
    }
    expect(count).toBeGreaterThan(4);
  });
});
