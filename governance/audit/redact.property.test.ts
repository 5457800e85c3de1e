import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../lib/canonical-json.js';
import { redact, type RedactionOptions } from './redact.js';

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
