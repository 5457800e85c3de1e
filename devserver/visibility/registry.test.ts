import { describe, expect, it } from 'vitest';
import { parseSearchAttributeType } from './attributes.js';
import { VisibilityError } from './errors.js';
import { SearchAttributeRegistry } from './registry.js';
import type { SearchAttributeType } from './types.js';

function errorOf(fn: () => unknown): VisibilityError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(VisibilityError);
    return e as VisibilityError;
  }
  throw new Error('expected a VisibilityError');
}

describe('parseSearchAttributeType', () => {
  it.each<[string | number, SearchAttributeType]>([
    ['Keyword', 'Keyword'], ['keyword', 'Keyword'], ['KEYWORD', 'Keyword'], ['INDEXED_VALUE_TYPE_KEYWORD', 'Keyword'],
    ['Text', 'Text'], ['text', 'Text'], ['INDEXED_VALUE_TYPE_TEXT', 'Text'],
    ['Int', 'Int'], ['int', 'Int'], ['INDEXED_VALUE_TYPE_INT', 'Int'],
    ['Double', 'Double'], ['double', 'Double'], ['Bool', 'Bool'], ['boolean', 'Bool'], ['INDEXED_VALUE_TYPE_BOOL', 'Bool'],
    ['Datetime', 'Datetime'], ['datetime', 'Datetime'], ['INDEXED_VALUE_TYPE_DATETIME', 'Datetime'],
    ['KeywordList', 'KeywordList'], ['keywordlist', 'KeywordList'], ['KEYWORD_LIST', 'KeywordList'],
    ['INDEXED_VALUE_TYPE_KEYWORD_LIST', 'KeywordList'], [' Keyword-List ', 'KeywordList'],
    [1, 'Text'], [2, 'Keyword'], [7, 'KeywordList'], ['3', 'Int'],
  ])('parses %j as %s', (input, expected) => {
    expect(parseSearchAttributeType(input)).toBe(expected);
  });

  it.each<[string | number]>([[''], ['Long'], ['INDEXED_VALUE_TYPE_UNSPECIFIED'], [0], [8], ['key word'], ['constructor'], ['__proto__']])('rejects %j', (input) => {
    const e = errorOf(() => parseSearchAttributeType(input));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/^unknown search attribute type `.*`: expected one of Keyword, Text, Int, Double, Bool, Datetime, KeywordList$/);
  });
});

describe('SearchAttributeRegistry', () => {
  it('lists system and predefined attributes with their types, plus custom ones', () => {
    const registry = new SearchAttributeRegistry({ CustomerId: 'Keyword' });
    const all = registry.list();
    expect(all).toMatchObject({
      WorkflowId: 'Keyword', RunId: 'Keyword', WorkflowType: 'Keyword', ExecutionStatus: 'Keyword', TaskQueue: 'Keyword',
      StartTime: 'Datetime', CloseTime: 'Datetime', ExecutionTime: 'Datetime', ExecutionDuration: 'Int',
      HistoryLength: 'Int', BuildIds: 'KeywordList', TemporalChangeVersion: 'KeywordList', CustomerId: 'Keyword',
    });
    expect(registry.customAttributes()).toEqual({ CustomerId: 'Keyword' });
  });

  it('adds idempotently with the same type and refuses another type with ALREADY_EXISTS', () => {
    const registry = new SearchAttributeRegistry();
    registry.add('Amount', 'Double');
    const version = registry.version;
    registry.add('Amount', 'INDEXED_VALUE_TYPE_DOUBLE');
    expect(registry.version).toBe(version);
    const e = errorOf(() => registry.add('Amount', 'Int'));
    expect(e.code).toBe('ALREADY_EXISTS');
    expect(e.message).toBe('search attribute `Amount` already exists with type Double');
  });

  it.each([
    ['', 'invalid search attribute name'], ['1abc', 'invalid search attribute name'], ['has space', 'invalid search attribute name'],
    ['a`b', 'invalid search attribute name'], ['__proto__', 'invalid search attribute name'], ['x'.repeat(256), 'invalid search attribute name'],
    ['WorkflowId', 'is reserved'], ['BuildIds', 'is reserved'], ['TemporalFoo', 'is reserved'],
  ])('refuses the name %j', (name, message) => {
    const e = errorOf(() => new SearchAttributeRegistry().add(name, 'Keyword'));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain(message);
  });

  it('refuses an unknown type', () => {
    expect(errorOf(() => new SearchAttributeRegistry().add('Foo', 'Money')).code).toBe('INVALID_ARGUMENT');
  });

  it('removes custom attributes, NOT_FOUND for unknown ones, INVALID_ARGUMENT for reserved ones', () => {
    const registry = new SearchAttributeRegistry({ Foo: 'Int' });
    registry.remove('Foo');
    expect(registry.typeOf('Foo')).toBeUndefined();
    expect(errorOf(() => registry.remove('Foo')).code).toBe('NOT_FOUND');
    expect(errorOf(() => registry.remove('WorkflowId')).code).toBe('INVALID_ARGUMENT');
  });

  it('resolves custom names first, then reserved names, then unprefixed aliases', () => {
    const registry = new SearchAttributeRegistry({ SchedulePaused: 'Keyword' });
    expect(registry.resolve('SchedulePaused')).toEqual({ name: 'SchedulePaused', type: 'Keyword', kind: 'custom' });
    expect(registry.resolve('TemporalSchedulePaused')).toEqual({ name: 'TemporalSchedulePaused', type: 'Bool', kind: 'predefined' });
    expect(registry.resolve('ChangeVersion')).toEqual({ name: 'TemporalChangeVersion', type: 'KeywordList', kind: 'predefined' });
    expect(registry.resolve('StartTime')).toEqual({ name: 'StartTime', type: 'Datetime', kind: 'system' });
    expect(registry.resolve('Nope')).toBeUndefined();
    expect(registry.resolve('toString')).toBeUndefined();
  });

  it('round-trips custom attributes through toJSON/fromJSON', () => {
    const registry = new SearchAttributeRegistry({ A: 'Keyword', B: 'KeywordList', C: 'Datetime' });
    const copy = SearchAttributeRegistry.fromJSON(JSON.parse(JSON.stringify(registry)));
    expect(copy.customAttributes()).toEqual(registry.customAttributes());
  });

  it.each([[null], [[]], ['x'], [{ A: 5 }], [{ A: 'Money' }], [{ WorkflowId: 'Keyword' }]])('fromJSON refuses %j', (json) => {
    expect(errorOf(() => SearchAttributeRegistry.fromJSON(json)).code).toBe('INVALID_ARGUMENT');
  });
});

describe('validateUpsert', () => {
  const registry = new SearchAttributeRegistry({
    K: 'Keyword', T: 'Text', I: 'Int', D: 'Double', B: 'Bool', DT: 'Datetime', KL: 'KeywordList',
  });

  it.each<[string, unknown, unknown]>([
    ['K', 'abc', 'abc'], ['K', ['abc'], 'abc'], ['T', 'some text', 'some text'],
    ['I', 42, 42], ['I', -7, -7], ['I', [3], 3], ['D', 1.5, 1.5], ['D', 2, 2],
    ['B', true, true], ['B', [false], false],
    ['DT', '2024-01-02T03:04:05Z', '2024-01-02T03:04:05.000Z'],
    ['DT', '2024-01-02T03:04:05.123456789+02:00', '2024-01-02T01:04:05.123456789Z'],
    ['DT', new Date('2024-01-02T03:04:05.006Z'), '2024-01-02T03:04:05.006Z'],
    ['KL', ['a', 'b'], ['a', 'b']], ['KL', 'solo', ['solo']], ['KL', [], null],
    ['K', null, null], ['K', [], null], ['TemporalChangeVersion', ['p-1'], ['p-1']],
  ])('accepts %s = %j as %j', (name, value, expected) => {
    expect(registry.validateUpsert({ [name]: value })).toEqual({ [name]: expected });
  });

  it.each<[string, unknown, string]>([
    ['K', 5, 'search attribute `K` of type Keyword cannot hold `5`'],
    ['I', 1.5, 'search attribute `I` of type Int cannot hold `1.5`'],
    ['I', '5', 'search attribute `I` of type Int cannot hold `5`'],
    ['D', Number.NaN, 'search attribute `D` of type Double cannot hold `NaN`'],
    ['B', 'true', 'search attribute `B` of type Bool cannot hold `true`'],
    ['DT', '2024-13-01T00:00:00Z', 'search attribute `DT` of type Datetime cannot hold `2024-13-01T00:00:00Z`'],
    ['DT', '2024-02-30T00:00:00Z', 'search attribute `DT` of type Datetime cannot hold `2024-02-30T00:00:00Z`'],
    ['DT', 'yesterday', 'search attribute `DT` of type Datetime cannot hold `yesterday`'],
    ['KL', ['a', 1], 'search attribute `KL` of type KeywordList cannot hold `["a",1]`'],
    ['K', ['a', 'b'], 'search attribute `K` of type Keyword cannot hold `["a","b"]`'],
    ['Unknown', 'x', 'unknown search attribute `Unknown`'],
    ['WorkflowId', 'x', 'search attribute `WorkflowId` is a system attribute and cannot be set'],
  ])('refuses %s = %j', (name, value, message) => {
    const e = errorOf(() => registry.validateUpsert({ [name]: value }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe(message);
  });

  it('enforces the per-value and total size limits', () => {
    expect(errorOf(() => registry.validateUpsert({ K: 'x'.repeat(3000) })).message).toMatch(/^search attribute `K` value is 3002 bytes, over the limit of 2048$/);
    const many = new SearchAttributeRegistry(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`K${i}`, 'Keyword' as const])));
    const values = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`K${i}`, 'y'.repeat(2000)]));
    expect(errorOf(() => many.validateUpsert(values)).message).toMatch(/^search attributes total \d+ bytes, over the limit of 40960$/);
  });

  it('refuses a non-object', () => {
    expect(errorOf(() => registry.validateUpsert(null as unknown as Record<string, unknown>)).code).toBe('INVALID_ARGUMENT');
  });
});
