import { describe, expect, it } from 'vitest';
import { parseDurationNanos, parseRfc3339 } from './time-values.js';
import { textWords } from './text-match.js';

describe('parseRfc3339', () => {
  it.each<[string, number, string]>([
    ['2024-01-02T03:04:05Z', Date.parse('2024-01-02T03:04:05Z') * 1000, '2024-01-02T03:04:05.000Z'],
    ['2024-01-02t03:04:05z', Date.parse('2024-01-02T03:04:05Z') * 1000, '2024-01-02T03:04:05.000Z'],
    ['2024-01-02T03:04:05.5Z', Date.parse('2024-01-02T03:04:05.500Z') * 1000, '2024-01-02T03:04:05.500Z'],
    ['2024-01-02T03:04:05.123456789Z', Date.parse('2024-01-02T03:04:05.123Z') * 1000 + 456, '2024-01-02T03:04:05.123456789Z'],
    ['2021-06-07T16:46:34.236-08:00', Date.parse('2021-06-08T00:46:34.236Z') * 1000, '2021-06-08T00:46:34.236Z'],
    ['2024-03-01T00:30:00+05:45', Date.parse('2024-02-29T18:45:00Z') * 1000, '2024-02-29T18:45:00.000Z'],
    ['1969-12-31T23:59:59.999999Z', -1, '1969-12-31T23:59:59.999999Z'],
    ['0001-01-01T00:00:00Z', -62135596800000000, '0001-01-01T00:00:00.000Z'],
  ])('parses %s', (text, micros, normalised) => {
    expect(parseRfc3339(text)).toEqual({ micros, normalised });
  });

  it.each([
    '2024-01-02', '2024-01-02T03:04Z', '2024-01-02 03:04:05Z', '2024-01-02T03:04:05', '2024-13-02T03:04:05Z',
    '2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2024-01-02T24:00:00Z', '2024-01-02T03:60:00Z', '2024-01-02T03:04:60Z',
    '2024-01-02T03:04:05.1234567890Z', '2024-01-02T03:04:05+24:00', '0000-01-01T00:00:00+01:00', ' 2024-01-02T03:04:05Z', '',
  ])('rejects %j', (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });
});

describe('parseDurationNanos', () => {
  it.each<[string, number]>([
    ['0', 0], ['1ns', 1], ['1us', 1e3], ['1µs', 1e3], ['1ms', 1e6], ['1.5s', 1.5e9], ['2m', 120e9], ['1h30m', 5400e9],
    ['-1h', -3600e9], ['.5h', 1800e9], ['01:02:03', 3723e9], ['00:00:01.5', 1.5e9], ['100:00:00', 360000e9],
  ])('parses %s', (text, nanos) => {
    expect(parseDurationNanos(text)).toBe(nanos);
  });

  it.each(['', '1', '1d', 'h', '1h 30m', '5 minutes', '1:2:3', '00:60:00', '--1h', '1h-30m'])('rejects %j', (text) => {
    expect(parseDurationNanos(text)).toBeUndefined();
  });
});

describe('textWords', () => {
  it.each<[string, string[]]>([
    ['my-business-id-foobar', ['my', 'business', 'id', 'foobar']],
    ['order-processing-v2', ['order', 'processing', 'v2']],
    ['payment_retry_handler', ['payment_retry_handler']],
    ['com.example.workflows.ProcessOrder', ['com.example.workflows.processorder']],
    ['alpha:bravo', ['alpha:bravo']],
    ["it's", ["it's"]],
    ['v1.2.3', ['v1.2.3']],
    ['v1.ProcessOrder', ['v1', 'processorder']],
    ['end. Start', ['end', 'start']],
    ['ÜBER straße', ['über', 'straße']],
    ['日本語 text', ['日', '本', '語', 'text']],
    ['___ __a', ['__a']],
    ['  ', []],
  ])('splits %j', (text, words) => {
    expect([...textWords(text)]).toEqual(words);
  });
});
