/**
 * The speed-ups of the injection scan must not change what it finds: the combined prefilter
 * matches exactly where some rule matches, and the ASCII fast path of normalisation gives the
 * same text and positions as the general path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyRuleMatcher } from './injection.js';
import { CHARACTER_RULES, PHRASE_RULES, type PatternRule } from './injection-rules.js';
import { normaliseAnyText, normaliseForMatching } from './normalise.js';

// Fragments of every rule, plus near misses, so random joins hit rules often
const FRAGMENTS = [
  'ignore', ' all ', 'previous', ' instructions', 'disregard', ' the above', 'you are now ', 'a ', 'pirate', ' developer mode',
  'system prompt', 'reveal ', 'your ', 'new instructions:', '<|im_start|>', '[inst]', '<<sys>>', '\n### system\n', '\n## assistant:',
  'call the ', 'delete_repo', ' tool', 'send an email to', 'forward ', 'it ', 'to ', 'x@y.example', 'https://', 'evil.example/?data=1',
  '\u200B', '\u200D', '\uFEFF', '\u202E', '\u{E0041}', '\uFE01\uFE02', 'QWxh'.repeat(30), '9', '<!--', '![x](http://a.b/c)',
  'Hello', 'World', '\t', '  ', '\r\n', 'é', 'ｉｇｎｏｒｅ', '\u00AD', 'A', 'Z', '~', '\v', '\f',
];
const text = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 12 }).map((parts) => parts.join(''));
const asciiText = fc.string({ unit: fc.constantFrom(...'abcXYZ ig\t\n\r#:<|>[]/!-_.@ '.split('')), maxLength: 60 });

function someRuleMatches(rules: readonly PatternRule[], s: string): boolean {
  return rules.some((r) => new RegExp(r.pattern.source, r.pattern.flags.replace('g', '')).test(s));
}

describe('injection scan prefilter', () => {
  const phrases = anyRuleMatcher(PHRASE_RULES);
  const characters = anyRuleMatcher(CHARACTER_RULES);

  it('matches exactly when some rule matches (phrase rules on normalised text, character rules on raw text)', () => {
    let hits = 0;
    fc.assert(fc.property(text, (s) => {
      const norm = normaliseForMatching(s).text;
      expect(phrases(norm)).toBe(someRuleMatches(PHRASE_RULES, norm));
      expect(characters(s)).toBe(someRuleMatches(CHARACTER_RULES, s));
      if (phrases(norm) || characters(s)) hits++;
    }), { numRuns: 2000, seed: 7 });
    // why: a generator that never triggered a rule would prove nothing
    expect(hits).toBeGreaterThan(500);
  });
});

describe('normalisation fast path', () => {
  it('gives the same text and origins as the general path on ASCII', () => {
    fc.assert(fc.property(asciiText, (s) => {
      expect(normaliseForMatching(s)).toEqual(normaliseAnyText(s));
    }), { numRuns: 2000, seed: 8 });
  });

  it('still takes the general path for other text', () => {
    for (const s of ['Ｉｇｎｏｒｅ  previous', 'a\u200Bb', 'x\vy', 'caf\u00E9']) expect(normaliseForMatching(s)).toEqual(normaliseAnyText(s));
  });
});
