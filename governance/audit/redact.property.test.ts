import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../lib/canonical-json.js';
import { piiRules, PII_KINDS, type PiiKind } from './pii.js';
import { redact, type RedactionOptions } from './redact.js';
import { SECRET_RULES, applyRule } from './rules.js';

const SECRETS = [
  'ik_Qm9vdHN0cmFwLXNlY3JldC1rZXktZm9yLXRlc3RzMDE',
  'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123',
  'AKIAZ7QWERTYUIOPASDF',
  'ghs_abcdefghijklmnopqrstuvwxyz0123456789AB',
  'xoxp-2222222222-333333333333-abcdefabcdef',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.ZmFrZS1zaWduYXR1cmUtYnl0ZXM',
];

// Text built from the characters the rules care about, to shake out overlaps between them.
const noisyChar = fc.constantFrom(...'ab cX9 0123456789 .-+@:/()=_[]*#"\'\nkeyBearer'.split(''));
const noisy = fc.array(noisyChar, { maxLength: 40 }).map((cs) => cs.join(''));
const withSecret = fc.tuple(noisy, fc.constantFrom(...SECRETS), noisy).map(([a, s, b]) => `${a} ${s} ${b}`);
const leaf = fc.oneof(noisy, withSecret, fc.integer(), fc.boolean(), fc.constant(null));
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.oneof(noisy, fc.constantFrom('password', 'token', 'note')), tie('node'), { maxKeys: 4 })),
})).node;

const OPTIONS: RedactionOptions[] = [{}, { piiMode: 'hash' }, { pii: ['email', 'phone', 'card', 'iban'] }, { pii: [] }];

describe('redact: properties', () => {
  it('never lets a planted secret survive, whatever surrounds it', () => {
    fc.assert(fc.property(tree, fc.constantFrom(...OPTIONS), (value, opts) => {
      const text = canonicalJson(redact(value, opts));
      for (const s of SECRETS) expect(text).not.toContain(s);
    }), { numRuns: 300 });
  });

  it('is idempotent on arbitrary noisy input', () => {
    fc.assert(fc.property(tree, fc.constantFrom(...OPTIONS), (value, opts) => {
      const once = redact(value, opts);
      const twice = redact(once.value, opts);
      expect(canonicalJson(twice.value)).toBe(canonicalJson(once.value));
    }), { numRuns: 300 });
  });
});

describe('redact: rule hints', () => {
  const RULES = [...SECRET_RULES, ...piiRules(PII_KINDS, { mode: 'mask' })];
  // why a wider alphabet: each rule's own literals, so that real matches occur often
  const hintChar = fc.constantFrom(...'ab X9 0123456789 2345 .-+@:/()=_[]"\'\nBearer Basic eyJ ik_ sk- AKIA ghp_ xoxb- password: token= DE89 -----BEGIN PRIVATE KEY----- https://u:p@h'.split(/(?=[ ])/));
  const hintText = fc.array(fc.oneof(hintChar, fc.constantFrom(...'0123456789-. +'.split(''))), { maxLength: 30 }).map((cs) => cs.join(''));

  it('has a hint for every rule, and every text a rule matches passes that hint (a hint never hides a match)', () => {
    for (const rule of RULES) expect(rule.hint, rule.kind).toBeInstanceOf(RegExp);
    let matched = 0;
    fc.assert(fc.property(fc.oneof(hintText, fc.constantFrom(...SECRETS), fc.constantFrom('+4915112345678', '030 1234 5678', '4111 1111 1111 1111', 'DE89 3704 0044 0532 0130 00', 'a.b@example.com')), (text) => {
      for (const rule of RULES) {
        rule.pattern.lastIndex = 0;
        const found = text.match(rule.pattern) ?? [];
        if (found.length === 0) continue;
        matched++;
        expect(rule.hint!.test(text), `${rule.kind} on ${JSON.stringify(text)}`).toBe(true);
        for (const m of found) expect(rule.hint!.test(m), `${rule.kind} on match ${JSON.stringify(m)}`).toBe(true);
      }
    }), { numRuns: 3000 });
    expect(matched).toBeGreaterThan(500);
  });

  it('redacts a text exactly as running every rule in turn does (the one-scan test of all hints skips nothing)', () => {
    // one example per rule; under some choice of PII kinds only that rule's hint accepts it (with every
    // PII kind on, `@` or a card-like digit run would let another hint stand in for a missing one)
    const examples = [
      ...SECRETS, '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----', 'https://u:pw@host/x', 'Bearer abcdefghijk',
      'Basic dXNlcjpwYXNz', 'password=hunter2', '+1 (0) 10 10 10', '4111111111111111', 'DE89370400440532013000', 'a.b@example.com',
    ];
    const choices: PiiKind[][] = [[...PII_KINDS], [], ...PII_KINDS.map((k) => [k])];
    const text = fc.oneof(hintText, fc.constantFrom(...examples), fc.tuple(noisy, fc.constantFrom(...examples), noisy).map((p) => p.join(' ')));
    let changed = 0;
    fc.assert(fc.property(text, fc.constantFrom(...choices), (text, pii) => {
      const rules = [...SECRET_RULES, ...piiRules(pii, { mode: 'mask' })];
      const expected = rules.reduce((t, rule) => applyRule(t, rule, () => undefined), text);
      if (expected !== text) changed++;
      expect((redact({ text }, { pii }).value as { text: string }).text).toBe(expected);
    }), { numRuns: 6000 });
    expect(changed).toBeGreaterThan(600);
  });
});
