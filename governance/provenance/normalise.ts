/**
 * @module Normalising text before matching instruction-like phrases, so that disguises do not work:
 * invisible format characters are dropped, compatibility forms folded (NFKC: fullwidth `ｉｇｎｏｒｅ`
 * becomes `ignore`), case folded and runs of spaces collapsed. Newlines are kept for line-anchored rules.
 */

export interface NormalisedText {
  text: string;
  /** `origin[i]` is the UTF-16 index in the original string of normalised character `i`. */
  origin: number[];
}

// why \p{Cf}: zero-width spaces, joiners, bidi controls, soft hyphens and tag characters are all
// format characters: invisible to a reader, yet they split words so naive matching misses them.
// Variation selectors are not Cf but are just as invisible inside a word.
const INVISIBLE = /^[\p{Cf}\uFE00-\uFE0F\u{E0100}-\u{E01EF}]$/u;
const HORIZONTAL_SPACE = /^[^\S\n]$/u;

// why: printable ASCII plus tab, newline and carriage return has no invisible, compatibility or
// non-ASCII space characters, so it can take the fast path below
const PLAIN_ASCII = /^[\t\n\r\x20-\x7e]*$/;

export function normaliseForMatching(input: string): NormalisedText {
  return PLAIN_ASCII.test(input) ? normaliseAscii(input) : normaliseAnyText(input);
}

/** The general path of normaliseForMatching (exported so tests can hold the fast path to it). */
export function normaliseAnyText(input: string): NormalisedText {
  // why an array of pieces and a `last` variable: reading the end of a string being built with +=
  // flattens it each time, which made this quadratic on large inputs.
  const pieces: string[] = [];
  const origin: number[] = [];
  let last = '\n';
  let index = 0;
  for (const ch of input) {
    const at = index;
    index += ch.length;
    if (ch === '\r' || INVISIBLE.test(ch)) continue;
    if (HORIZONTAL_SPACE.test(ch)) {
      if (last !== ' ' && last !== '\n') {
        pieces.push(' ');
        origin.push(at);
        last = ' ';
      }
      continue;
    }
    const folded = ch.charCodeAt(0) < 0x80 ? ch.toLowerCase() : ch.normalize('NFKC').toLowerCase();
    for (let k = 0; k < folded.length; k++) origin.push(at);
    pieces.push(folded);
    last = folded[folded.length - 1] ?? last;
  }
  return { text: pieces.join(''), origin };
}

/** normaliseForMatching for PLAIN_ASCII text: the same rules, one character code at a time. */
function normaliseAscii(input: string): NormalisedText {
  let text = '';
  const origin: number[] = [];
  let last = 10; // '\n'
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c === 13) continue; // '\r' is dropped
    if (c === 9 || c === 32) {
      // horizontal space: collapsed, and dropped after a newline or at the start
      if (last !== 32 && last !== 10) {
        text += ' ';
        origin.push(i);
        last = 32;
      }
      continue;
    }
    const lower = c >= 65 && c <= 90 ? c + 32 : c;
    text += String.fromCharCode(lower);
    origin.push(i);
    last = lower;
  }
  return { text, origin };
}
