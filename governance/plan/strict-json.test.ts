import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseJsonDocument, readJsonAt } from './strict-json.js';

const errorOf = (f: () => unknown): JsonSyntaxError => {
  try {
    f();
  } catch (e) {
    if (e instanceof JsonSyntaxError) return e;
    throw e;
  }
  throw new Error('expected a JsonSyntaxError');
};

describe('strict JSON', () => {
  it.each([
    ['{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"]}', { a: [1, -2500, true, false, null, 'xé\n'] }],
    ['  []  ', []],
    ['"\\ud83d\\ude00"', '😀'],
  ])('parses %s like JSON.parse', (text, value) => {
    expect(parseJsonDocument(text, 8)).toEqual(value);
    expect(parseJsonDocument(text, 8)).toEqual(JSON.parse(text));
  });

  it.each([
    ['{"a":1,"a":2}', 7, /duplicate key `a`/],
    ['{"__proto__":{}}', 1, /`__proto__` is not allowed/],
    ['{"a":1,}', 7, /string key/],
    ['[1 2]', 3, /expected `,` or `]`/],
    ['{"a":"line\nbreak"}', 10, /control character/],
    ['{"a":1e999}', 5, /out of range/],
    ['{"a":01}', 6, /expected `,`/],
    ['"abc', 0, /unterminated/],
    ['{} x', 3, /after the JSON value/],
    ['[[[[1]]]]', 3, /deeper than 3/],
  ])('rejects %j at index %i', (text, index, message) => {
    const e = errorOf(() => parseJsonDocument(text, 3));
    expect(e.index).toBe(index);
    expect(e.message).toMatch(message);
  });

  it('reads one value inside text and says where it ends', () => {
    const text = 'see {"a":[1,2]} then more';
    expect(readJsonAt(text, 4, 8)).toEqual({ value: { a: [1, 2] }, end: 15 });
  });
});
