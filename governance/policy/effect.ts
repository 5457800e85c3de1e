/**
 * @module Rewrite the effect keyword of one policy's text. why text and not Cedar's JSON form:
 * JSON goes through JavaScript numbers, which silently round Long literals above 2^53; the text
 * form is what Cedar parses exactly.
 */

/** `text` with its leading `forbid` replaced by `permit`, or undefined when the prefix is not understood. */
export function forbidToPermit(text: string): string | undefined {
  const at = effectOffset(text);
  if (at === undefined || !text.startsWith('forbid', at)) return undefined;
  return `${text.slice(0, at)}permit${text.slice(at + 'forbid'.length)}`;
}

/** Offset of the effect keyword: after whitespace, `//` comments and `@name` / `@name("...")` annotations. */
function effectOffset(text: string): number | undefined {
  let i = 0;
  for (;;) {
    i = skipTrivia(text, i);
    if (text[i] !== '@') return i;
    const name = /^@[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (!name) return undefined;
    i = skipTrivia(text, i + name[0].length);
    if (text[i] === '(') {
      const end = endOfStringArgument(text, skipTrivia(text, i + 1));
      if (end === undefined) return undefined;
      i = skipTrivia(text, end);
      if (text[i] !== ')') return undefined;
      i += 1;
    }
  }
}

function skipTrivia(text: string, from: number): number {
  let i = from;
  for (;;) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i += 1;
    if (!text.startsWith('//', i)) return i;
    const newline = text.indexOf('\n', i);
    i = newline === -1 ? text.length : newline + 1;
  }
}

/** Offset just after the string literal starting at `from`, honouring backslash escapes. */
function endOfStringArgument(text: string, from: number): number | undefined {
  if (text[from] !== '"') return undefined;
  for (let i = from + 1; i < text.length; i++) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i + 1;
  }
  return undefined;
}
