import { defineSearchAttributeKey, SearchAttributeType as SdkType, TypedSearchAttributes } from '@temporalio/common';
// why a deep import: these are the exact functions the SDK client and worker use on the wire, so the
// test proves compatibility with them rather than with a re-implementation of them.
import { decodeSearchAttributes, decodeTypedSearchAttributes, encodeUnifiedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import { describe, expect, it } from 'vitest';
import { VisibilityError } from './errors.js';
import { decodeSearchAttributePayloads, encodeSearchAttributeValues } from './payloads.js';
import { queryExecutions } from './query.js';
import { SearchAttributeRegistry } from './registry.js';
import type { Payload, VisibilityRow } from './types.js';

const registry = new SearchAttributeRegistry({ K: 'Keyword', T: 'Text', I: 'Int', D: 'Double', B: 'Bool', DT: 'Datetime', KL: 'KeywordList' });
const when = new Date('2024-05-06T07:08:09.010Z');

const typed = new TypedSearchAttributes([
  { key: defineSearchAttributeKey('K', SdkType.KEYWORD), value: 'order-7' },
  { key: defineSearchAttributeKey('T', SdkType.TEXT), value: 'hello brave world' },
  { key: defineSearchAttributeKey('I', SdkType.INT), value: 42 },
  { key: defineSearchAttributeKey('D', SdkType.DOUBLE), value: 2.75 },
  { key: defineSearchAttributeKey('B', SdkType.BOOL), value: true },
  { key: defineSearchAttributeKey('DT', SdkType.DATETIME), value: when },
  { key: defineSearchAttributeKey('KL', SdkType.KEYWORD_LIST), value: ['a', 'b'] },
]);

const CANONICAL = { K: 'order-7', T: 'hello brave world', I: 42, D: 2.75, B: true, DT: '2024-05-06T07:08:09.010Z', KL: ['a', 'b'] };

describe('decoding what the TypeScript SDK sends', () => {
  it('decodes typed search attributes to canonical values', () => {
    const wire = encodeUnifiedSearchAttributes(undefined, typed) as Record<string, Payload>;
    expect(registry.validateUpsert(decodeSearchAttributePayloads(wire, registry))).toEqual(CANONICAL);
  });

  it('decodes legacy (untyped, array-wrapped) search attributes to the same values', () => {
    const wire = encodeUnifiedSearchAttributes({ K: ['order-7'], T: ['hello brave world'], I: [42], D: [2.75], B: [true], DT: [when], KL: ['a', 'b'] }) as Record<string, Payload>;
    expect(registry.validateUpsert(decodeSearchAttributePayloads(wire))).toEqual(CANONICAL);
  });

  it('reads a typed removal (null) as unset', () => {
    const wire = encodeUnifiedSearchAttributes(undefined, [{ key: defineSearchAttributeKey('K', SdkType.KEYWORD), value: null }]) as Record<string, Payload>;
    expect(decodeSearchAttributePayloads(wire)).toEqual({ K: null });
    expect(decodeSearchAttributePayloads({ K: {} as Payload })).toEqual({ K: null });
  });

  it('makes decoded values queryable', () => {
    const wire = encodeUnifiedSearchAttributes(undefined, typed) as Record<string, Payload>;
    const searchAttributes = registry.validateUpsert(decodeSearchAttributePayloads(wire, registry));
    const row: VisibilityRow = { workflowId: 'w', runId: 'r', workflowType: 't', executionStatus: 'Running', taskQueue: 'q', startTime: 0, executionTime: 0, historyLength: 1, searchAttributes };
    const q = "K = 'order-7' AND T = 'brave' AND I = 42 AND D > 2.5 AND B = true AND DT = '2024-05-06T07:08:09.01Z' AND KL = 'b'";
    expect(queryExecutions([row], q, registry).rows).toHaveLength(1);
  });
});

describe('encoding for the SDK to decode', () => {
  it('writes json/plain payloads with the attribute type, which the SDK decodes back', () => {
    const wire = encodeSearchAttributeValues(CANONICAL, registry);
    expect(Buffer.from(wire.KL?.metadata?.encoding ?? []).toString()).toBe('json/plain');
    expect(Buffer.from(wire.KL?.metadata?.type ?? []).toString()).toBe('KeywordList');
    expect(Buffer.from(wire.DT?.data ?? []).toString()).toBe('"2024-05-06T07:08:09.010Z"');
    const back = decodeTypedSearchAttributes(wire as never);
    expect(back.getAll()).toEqual(typed.getAll());
    expect(decodeSearchAttributes(wire as never)).toEqual({ K: ['order-7'], T: ['hello brave world'], I: [42], D: [2.75], B: [true], DT: [when], KL: ['a', 'b'] });
  });

  it('leaves unset values out and encodes unregistered ones without a type', () => {
    const wire = encodeSearchAttributeValues({ K: null, Gone: 'x' }, registry);
    expect(Object.keys(wire)).toEqual(['Gone']);
    expect(wire.Gone?.metadata?.type).toBeUndefined();
  });
});

describe('refusing malformed payloads', () => {
  const json = (text: string, type?: string): Payload => ({
    metadata: { encoding: Buffer.from('json/plain'), ...(type ? { type: Buffer.from(type) } : {}) },
    data: Buffer.from(text),
  });
  it.each<[string, Record<string, unknown>, string]>([
    ['a binary encoding', { K: { metadata: { encoding: Buffer.from('binary/protobuf') }, data: Buffer.from([1]) } }, 'search attribute `K` has encoding `binary/protobuf`, expected `json/plain`'],
    ['data without encoding', { K: { data: Buffer.from('"x"') } }, 'search attribute `K` has encoding ``, expected `json/plain`'],
    ['invalid JSON', { K: json('{nope') }, 'search attribute `K` is not valid JSON'],
    ['invalid UTF-8', { K: { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from([0x22, 0xff, 0x22]) } }, 'search attribute `K` is not valid JSON'],
    ['a type that contradicts the registry', { K: json('5', 'Int') }, 'search attribute `K` is of type Keyword, not Int'],
    ['an unknown type', { K: json('5', 'Money') }, 'unknown search attribute type `Money`: expected one of Keyword, Text, Int, Double, Bool, Datetime, KeywordList'],
    ['data as a string', { K: { metadata: {}, data: 'eA==' } }, 'invalid search attributes: `K.data`'],
    ['metadata of the wrong shape', { K: { metadata: { encoding: 'json/plain' } } }, 'invalid search attributes: `K.metadata.encoding`'],
  ])('refuses %s', (_name, indexed, message) => {
    let error: unknown;
    try {
      decodeSearchAttributePayloads(indexed as Record<string, Payload>, registry);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VisibilityError);
    expect((error as VisibilityError).code).toBe('INVALID_ARGUMENT');
    expect((error as VisibilityError).message.startsWith(message)).toBe(true);
  });
});
