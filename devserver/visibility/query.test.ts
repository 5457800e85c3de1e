import { describe, expect, it } from 'vitest';
import { VisibilityError } from './errors.js';
import { countExecutions, queryExecutions } from './query.js';
import { SearchAttributeRegistry } from './registry.js';
import type { ExecutionStatusName, VisibilityRow } from './types.js';

const registry = new SearchAttributeRegistry({
  CustomKeywordField: 'Keyword', CustomTextField: 'Text', CustomIntField: 'Int', CustomDoubleField: 'Double',
  CustomBoolField: 'Bool', CustomDatetimeField: 'Datetime', CustomKeywordListField: 'KeywordList',
});

const DAY = 86_400_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');

function row(n: number, status: ExecutionStatusName, extra: Partial<VisibilityRow> & { closeAfterMs?: number }): VisibilityRow {
  const startTime = T0 + (n - 1) * DAY;
  const { closeAfterMs, ...rest } = extra;
  return {
    workflowId: `w${n}`, runId: `run-${n}`, workflowType: 'OrderWorkflow', executionStatus: status, taskQueue: 'orders',
    startTime, executionTime: startTime, historyLength: n * 2, searchAttributes: {},
    ...(closeAfterMs === undefined ? {} : { closeTime: startTime + closeAfterMs }), ...rest,
  };
}

const ROWS: VisibilityRow[] = [
  row(1, 'Running', { searchAttributes: {
    CustomKeywordField: 'order-1', CustomTextField: 'my-business-id-foobar', CustomIntField: 10, CustomDoubleField: 1.5,
    CustomBoolField: true, CustomDatetimeField: '2024-01-01T10:00:00.000Z', CustomKeywordListField: ['a', 'b'] } }),
  row(2, 'Completed', { closeAfterMs: 90_000, searchAttributes: {
    CustomKeywordField: 'order-2', CustomTextField: 'my business id foobar', CustomIntField: 20, CustomDoubleField: 2.5,
    CustomBoolField: false, CustomDatetimeField: '2024-01-02T10:00:00.000000500Z', CustomKeywordListField: ['b', 'c'] } }),
  row(3, 'Failed', { workflowType: 'PaymentWorkflow', taskQueue: 'payments', closeAfterMs: 2 * 3600_000, searchAttributes: {
    CustomKeywordField: 'payment-1', CustomTextField: "Hello World, it's v1.2.3 of com.example.Pay", CustomIntField: -5,
    CustomDoubleField: -0.25, CustomKeywordListField: ['c'], TemporalChangeVersion: ['fix-1'] } }),
  row(4, 'Terminated', { workflowType: 'PaymentWorkflow', closeAfterMs: 1000 }),
  row(5, 'Canceled', { closeAfterMs: 10, searchAttributes: {
    CustomKeywordField: 'order-~~', CustomIntField: [30], CustomBoolField: 'true', CustomDatetimeField: 'not a date',
    CustomKeywordListField: [] } }),
  row(6, 'ContinuedAsNew', { closeAfterMs: 5000, parentWorkflowId: 'w1' } as Partial<VisibilityRow>),
  row(7, 'TimedOut', { closeAfterMs: DAY, executionTime: T0 + 6 * DAY + 1000, searchAttributes: { ParentWorkflowId: 'w1' } }),
];

function ids(query: string): string[] {
  return queryExecutions(ROWS, query, registry).rows.map((r) => r.workflowId).sort();
}

describe('filters by every operator on every type', () => {
  it.each<[string, string[]]>([
    ['', ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7']],
    // Keyword (system and custom)
    ["WorkflowId = 'w3'", ['w3']],
    ["WorkflowId != 'w3'", ['w1', 'w2', 'w4', 'w5', 'w6', 'w7']],
    ["WorkflowType = 'PaymentWorkflow'", ['w3', 'w4']],
    ["TaskQueue = 'payments'", ['w3']],
    ["RunId IN ('run-1', 'run-7', 'nope')", ['w1', 'w7']],
    ["RunId NOT IN ('run-1', 'run-7')", ['w2', 'w3', 'w4', 'w5', 'w6']],
    ["CustomKeywordField = 'order-1'", ['w1']],
    ["CustomKeywordField != 'order-1'", ['w2', 'w3', 'w5']],
    ["CustomKeywordField STARTS_WITH 'order-'", ['w1', 'w2', 'w5']],
    ["CustomKeywordField NOT STARTS_WITH 'order-'", ['w3']],
    ["CustomKeywordField STARTS_WITH ''", ['w1', 'w2', 'w3', 'w5']],
    ["CustomKeywordField BETWEEN 'order-' AND 'order-~'", ['w1', 'w2']],
    ["CustomKeywordField NOT BETWEEN 'order-' AND 'order-~'", ['w3', 'w5']],
    ["CustomKeywordField > 'order-2'", ['w3', 'w5']],
    ["CustomKeywordField >= 'order-2'", ['w2', 'w3', 'w5']],
    ["CustomKeywordField < 'order-2'", ['w1']],
    ["CustomKeywordField <= 'order-2'", ['w1', 'w2']],
    ["CustomKeywordField = 'ORDER-1'", []],
    ['CustomKeywordField IS NULL', ['w4', 'w6', 'w7']],
    ['CustomKeywordField IS NOT NULL', ['w1', 'w2', 'w3', 'w5']],
    // ExecutionStatus by name, case-insensitively
    ["ExecutionStatus = 'Running'", ['w1']],
    ["ExecutionStatus = 'running'", ['w1']],
    ["ExecutionStatus != 'Running'", ['w2', 'w3', 'w4', 'w5', 'w6', 'w7']],
    ["ExecutionStatus IN ('Completed', 'ContinuedAsNew', 'TimedOut')", ['w2', 'w6', 'w7']],
    ["ExecutionStatus NOT IN ('Completed', 'Failed')", ['w1', 'w4', 'w5', 'w6', 'w7']],
    // Text: word match, any query word, case-insensitive
    ["CustomTextField = 'foobar'", ['w1', 'w2']],
    ["CustomTextField = 'FOOBAR'", ['w1', 'w2']],
    ["CustomTextField = 'foo'", []],
    ["CustomTextField = 'hello'", ['w3']],
    ["CustomTextField = 'nothing world'", ['w3']],
    ["CustomTextField = 'business-id'", ['w1', 'w2']],
    ["CustomTextField = \"it's\"", ['w3']],
    ["CustomTextField = 'v1.2.3'", ['w3']],
    ["CustomTextField = 'com.example.pay'", ['w3']],
    ["CustomTextField = 'example'", []],
    ["CustomTextField = '---'", []],
    ["CustomTextField != 'foobar'", ['w3']],
    ['CustomTextField IS NULL', ['w4', 'w5', 'w6', 'w7']],
    // Int (a legacy one-element array reads as its element)
    ['CustomIntField = 10', ['w1']],
    ["CustomIntField = '10'", ['w1']],
    ['CustomIntField != 10', ['w2', 'w3', 'w5']],
    ['CustomIntField > 10', ['w2', 'w5']],
    ['CustomIntField >= 10', ['w1', 'w2', 'w5']],
    ['CustomIntField < 0', ['w3']],
    ['CustomIntField <= -5', ['w3']],
    ['CustomIntField IN (20, 30)', ['w2', 'w5']],
    ['CustomIntField NOT IN (20, 30)', ['w1', 'w3']],
    ['CustomIntField BETWEEN -5 AND 10', ['w1', 'w3']],
    ['CustomIntField NOT BETWEEN -5 AND 10', ['w2', 'w5']],
    ['HistoryLength > 10', ['w6', 'w7']],
    // Double
    ['CustomDoubleField = 1.5', ['w1']],
    ['CustomDoubleField > 0', ['w1', 'w2']],
    ['CustomDoubleField < -0.1', ['w3']],
    ['CustomDoubleField BETWEEN 1 AND 2.5', ['w1', 'w2']],
    ["CustomDoubleField >= '2.5'", ['w2']],
    ['CustomDoubleField IN (1.5, -0.25)', ['w1', 'w3']],
    // Bool (a stored value of the wrong type reads as unset)
    ['CustomBoolField = true', ['w1']],
    ['CustomBoolField = false', ['w2']],
    ["CustomBoolField = 'TRUE'", ['w1']],
    ['CustomBoolField != true', ['w2']],
    ['CustomBoolField IS NULL', ['w3', 'w4', 'w5', 'w6', 'w7']],
    ['CustomBoolField IN (true, false)', ['w1', 'w2']],
    // Datetime: RFC 3339 with offsets and fractions, or epoch nanoseconds
    ["StartTime = '2024-01-03T00:00:00Z'", ['w3']],
    ["StartTime = '2024-01-03T01:00:00+01:00'", ['w3']],
    ["StartTime > '2024-01-05T00:00:00Z'", ['w6', 'w7']],
    ["StartTime >= '2024-01-05T00:00:00.000Z'", ['w5', 'w6', 'w7']],
    ["StartTime < '2024-01-01T19:00:00-05:00'", ['w1']],
    ["StartTime BETWEEN '2024-01-02T00:00:00Z' AND '2024-01-03T00:00:00Z'", ['w2', 'w3']],
    ["StartTime NOT BETWEEN '2024-01-02T00:00:00Z' AND '2024-01-06T00:00:00Z'", ['w1', 'w7']],
    [`StartTime = ${T0 * 1e6}`, ['w1']],
    ["StartTime IN ('2024-01-01T00:00:00Z', '2024-01-07T00:00:00Z')", ['w1', 'w7']],
    ["ExecutionTime > '2024-01-07T00:00:00Z'", ['w7']],
    ['CloseTime IS NULL', ['w1']],
    ['CloseTime IS NOT NULL', ['w2', 'w3', 'w4', 'w5', 'w6', 'w7']],
    ["CloseTime < '2024-01-03T00:00:00Z'", ['w2']],
    ["CloseTime != '2024-01-02T00:01:30Z'", ['w3', 'w4', 'w5', 'w6', 'w7']],
    ["CustomDatetimeField = '2024-01-02T10:00:00.0000005Z'", ['w2']],
    ["CustomDatetimeField > '2024-01-02T10:00:00Z'", []],
    ["CustomDatetimeField >= '2024-01-01T10:00:00Z'", ['w1', 'w2']],
    ['CustomDatetimeField IS NULL', ['w3', 'w4', 'w5', 'w6', 'w7']],
    // ExecutionDuration: nanoseconds, Go durations, hh:mm:ss; unset while running
    ["ExecutionDuration > '1m'", ['w3', 'w7', 'w2']],
    ["ExecutionDuration >= '1h30m'", ['w3', 'w7']],
    ["ExecutionDuration < '00:00:02'", ['w4', 'w5']],
    ['ExecutionDuration = 1000000000', ['w4']],
    ["ExecutionDuration BETWEEN '1ms' AND '1.5s'", ['w4', 'w5']],
    ['ExecutionDuration IS NULL', ['w1']],
    // KeywordList: = contains, IN contains any; an empty list is unset
    ["CustomKeywordListField = 'b'", ['w1', 'w2']],
    ["CustomKeywordListField != 'b'", ['w3']],
    ["CustomKeywordListField IN ('a', 'c')", ['w1', 'w2', 'w3']],
    ["CustomKeywordListField NOT IN ('a')", ['w2', 'w3']],
    ['CustomKeywordListField IS NULL', ['w4', 'w5', 'w6', 'w7']],
    ["TemporalChangeVersion = 'fix-1'", ['w3']],
    ["ChangeVersion = 'fix-1'", ['w3']],
    ["ParentWorkflowId = 'w1'", ['w7']],
    // AND binds tighter than OR; parentheses override
    ["WorkflowId = 'w1' OR WorkflowId = 'w2' AND ExecutionStatus = 'Running'", ['w1']],
    ["(WorkflowId = 'w1' OR WorkflowId = 'w2') AND ExecutionStatus = 'Completed'", ['w2']],
    ["ExecutionStatus = 'Running' AND WorkflowId = 'w2' OR WorkflowId = 'w3'", ['w3']],
    ["ExecutionStatus = 'Running' AND (WorkflowId = 'w2' OR WorkflowId = 'w3')", []],
    ["WorkflowType = 'OrderWorkflow' and ExecutionStatus != 'Running' and (StartTime > '2024-01-05T12:00:00Z' or CloseTime < '2024-01-02T00:02:00Z')", ['w2', 'w6', 'w7']],
    ["`WorkflowId` = 'w4'", ['w4']],
  ])('%s', (query, expected) => {
    expect(ids(query)).toEqual([...expected].sort());
  });
});

describe('rejects queries that do not fit the attribute', () => {
  it.each<[string, number, string]>([
    ["Foo = 'x'", 0, 'unknown search attribute `Foo`'],
    ["WorkflowId = 'a' AND foo = 1", 21, 'unknown search attribute `foo`'],
    ["CustomIntField = 'abc'", 17, 'value `abc` is not a valid Int for `CustomIntField`'],
    ['CustomIntField = 1.5', 17, 'value `1.5` is not a valid Int for `CustomIntField`'],
    ['CustomIntField IN (1, true)', 22, 'value `true` is not a valid Int for `CustomIntField`'],
    ["CustomDoubleField = 'x'", 20, 'value `x` is not a valid Double for `CustomDoubleField`'],
    ['CustomBoolField = 1', 18, 'value `1` is not a valid Bool for `CustomBoolField`'],
    ["StartTime > '2024-01-01'", 12, 'value `2024-01-01` is not a valid Datetime for `StartTime`'],
    ["StartTime > '2024-02-30T00:00:00Z'", 12, 'value `2024-02-30T00:00:00Z` is not a valid Datetime for `StartTime`'],
    ["ExecutionDuration > '5 minutes'", 20, 'value `5 minutes` is not a valid duration for `ExecutionDuration`'],
    ["ExecutionStatus = 'Done'", 18, 'value `Done` is not a valid ExecutionStatus for `ExecutionStatus`'],
    ['WorkflowId = 5', 13, 'value `5` is not a valid Keyword for `WorkflowId`'],
    ["CustomTextField STARTS_WITH 'x'", 16, 'operator `STARTS_WITH` needs a Keyword attribute, `CustomTextField` is a Text attribute'],
    ['CustomIntField STARTS_WITH 1', 15, 'operator `STARTS_WITH` needs a Keyword attribute, `CustomIntField` is an Int attribute'],
    ["ExecutionStatus STARTS_WITH 'Run'", 16, 'operator `STARTS_WITH` needs a Keyword attribute, `ExecutionStatus` is an ExecutionStatus attribute'],
    ["CustomTextField > 'a'", 16, 'operator `>` is not supported for Text attribute `CustomTextField`'],
    ["CustomTextField IN ('a')", 16, 'operator `IN` is not supported for Text attribute `CustomTextField`'],
    ["CustomKeywordListField < 'a'", 23, 'operator `<` is not supported for KeywordList attribute `CustomKeywordListField`'],
    ['CustomBoolField > false', 16, 'operator `>` is not supported for Bool attribute `CustomBoolField`'],
    ["ExecutionStatus > 'Running'", 16, 'operator `>` is not supported for `ExecutionStatus`'],
    ["ExecutionStatus NOT BETWEEN 'a' AND 'b'", 16, 'operator `NOT BETWEEN` is not supported for `ExecutionStatus`'],
    ['ORDER BY CustomTextField', 9, 'cannot ORDER BY Text attribute `CustomTextField`'],
    ['ORDER BY CustomKeywordListField DESC', 9, 'cannot ORDER BY KeywordList attribute `CustomKeywordListField`'],
    ['ORDER BY Nope', 9, 'unknown search attribute `Nope`'],
    ['GROUP BY ExecutionStatus', 9, 'GROUP BY is only supported for count'],
    ['GROUP BY WorkflowType', 9, 'GROUP BY is only supported for ExecutionStatus'],
  ])('%s', (query, position, problem) => {
    let error: unknown;
    try {
      queryExecutions(ROWS, query, registry);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VisibilityError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', position, message: `invalid query: ${problem} at position ${position}` });
  });

  it('forgets a removed attribute and learns a re-added one at once', () => {
    const local = new SearchAttributeRegistry({ Tmp: 'Keyword' });
    const rows = [row(1, 'Running', { searchAttributes: { Tmp: 'x' } })];
    expect(queryExecutions(rows, "Tmp = 'x'", local).rows).toHaveLength(1);
    local.remove('Tmp');
    expect(() => queryExecutions(rows, "Tmp = 'x'", local)).toThrow('unknown search attribute `Tmp`');
    local.add('Tmp', 'Int');
    expect(queryExecutions(rows, 'Tmp = 1', local).rows).toHaveLength(0);
  });
});

describe('countExecutions', () => {
  it('counts matches', () => {
    expect(countExecutions(ROWS, "WorkflowType = 'PaymentWorkflow'", registry)).toEqual({ count: 2 });
    expect(countExecutions(ROWS, '', registry)).toEqual({ count: 7 });
    expect(countExecutions([], 'CloseTime IS NULL', registry)).toEqual({ count: 0 });
  });

  it('groups by ExecutionStatus, largest group first, ignoring ORDER BY', () => {
    const rows = [...ROWS, row(8, 'Running', {}), row(9, 'Failed', {}), row(10, 'Running', {})];
    expect(countExecutions(rows, "WorkflowType = 'OrderWorkflow' GROUP BY ExecutionStatus ORDER BY StartTime", registry)).toEqual({
      count: 8,
      groups: [
        { values: ['Running'], count: 3 },
        { values: ['Completed'], count: 1 },
        { values: ['Failed'], count: 1 },
        { values: ['Canceled'], count: 1 },
        { values: ['ContinuedAsNew'], count: 1 },
        { values: ['TimedOut'], count: 1 },
      ],
    });
  });

  it.each(['GROUP BY WorkflowType', 'GROUP BY ExecutionStatus, WorkflowType'])('refuses %s', (query) => {
    expect(() => countExecutions(ROWS, query, registry)).toThrow(/GROUP BY is only supported for ExecutionStatus at position \d+$/);
  });
});
