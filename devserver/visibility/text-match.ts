/**
 * @module Word matching for Text attributes, after Temporal's documented behaviour (Elasticsearch's
 * standard analyzer): values and query strings split into lower-cased words on punctuation and
 * spaces; `_` joins; `.`, `:` and `'` join only between two letters or two digits; each CJK
 * ideograph is a word of its own. `Text = 'q'` matches when ANY word of `q` is a word of the value.
 */
import { boundedMemo } from './memo.js';

const WORD_CHAR = /[\p{L}\p{N}\p{M}_]/u;
const IDEOGRAPH = /[\p{Ideographic}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const JOINERS = new Set(['.', ':', "'"]);
const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;

/** The set of words of a text, lower-cased. */
export function textWords(text: string): Set<string> {
  const words = new Set<string>();
  const chars = Array.from(text);
  let current = '';
  const flush = (): void => {
    if (current !== '' && !/^_+$/.test(current)) words.add(current.toLowerCase());
    current = '';
  };
  chars.forEach((c, i) => {
    if (IDEOGRAPH.test(c)) {
      flush();
      words.add(c);
    } else if (WORD_CHAR.test(c)) {
      current += c;
    } else if (JOINERS.has(c) && current !== '' && joins(chars[i - 1], chars[i + 1])) {
      current += c;
    } else {
      flush();
    }
  });
  flush();
  return words;
}

function joins(before: string | undefined, after: string | undefined): boolean {
  if (before === undefined || after === undefined) return false;
  return (LETTER.test(before) && LETTER.test(after)) || (DIGIT.test(before) && DIGIT.test(after));
}

// Stored Text values are split once and remembered; texts over 4 KiB are split every time.
const MEMO_MAX_TEXT = 4096;
const memoWords = boundedMemo(textWords, 20_000);

/** A matcher for one query string, built once per compiled query. */
export function textMatcher(query: string): (value: string) => boolean {
  const wanted = [...textWords(query)];
  if (wanted.length === 0) return () => false;
  return (value) => {
    const words = value.length > MEMO_MAX_TEXT ? textWords(value) : memoWords(value);
    return wanted.some((w) => words.has(w));
  };
}
