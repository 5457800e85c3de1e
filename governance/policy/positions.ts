/** @module Source positions: Cedar reports UTF-8 byte offsets; people read lines and columns. */

export interface LineColumn {
  line: number;
  column: number;
}

/** 1-based line and column (in characters) of a UTF-8 byte offset into `text`; clamps out-of-range offsets. */
export function lineColumnAtByte(text: string, byteOffset: number): LineColumn {
  const prefix = Buffer.from(text, 'utf8').subarray(0, Math.max(0, byteOffset)).toString('utf8');
  return lineColumnAtChar(prefix, prefix.length);
}

/** 1-based line and column of a character offset into `text`. */
export function lineColumnAtChar(text: string, charOffset: number): LineColumn {
  const before = text.slice(0, Math.max(0, charOffset));
  const lastBreak = before.lastIndexOf('\n');
  let line = 1;
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line += 1;
  // why: count code points, not UTF-16 units, so an emoji counts as one column as editors show it
  return { line, column: [...before.slice(lastBreak + 1)].length + 1 };
}

/** Character offset of a UTF-8 byte offset into `text`. */
export function charOffsetOfByte(text: string, byteOffset: number): number {
  return Buffer.from(text, 'utf8').subarray(0, Math.max(0, byteOffset)).toString('utf8').length;
}
