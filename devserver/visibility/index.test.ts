import { describe, expect, it } from 'vitest';
import * as visibility from './index.js';
import { SearchAttributeRegistry, countExecutions, decodeSearchAttributePayloads, encodeSearchAttributeValues, parseSearchAttributeType, queryExecutions, type VisibilityRow } from './index.js';

describe('public API', () => {
  it('exports what the server codes against', () => {
    for (const name of ['SearchAttributeRegistry', 'VisibilityError', 'parseSearchAttributeType', 'decodeSearchAttributePayloads',
      'encodeSearchAttributeValues', 'parseVisibilityQuery', 'queryExecutions', 'countExecutions', 'compileVisibilityQuery', 'isVisibilityError']) {
      expect(typeof (visibility as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('serves a start → upsert → list → describe round trip the way the server uses it', () => {
    const registry = new SearchAttributeRegistry({ TenantId: parseSearchAttributeType('keyword'), RiskLevel: parseSearchAttributeType('INDEXED_VALUE_TYPE_INT') });
    const json = (v: unknown, type: string): visibility.Payload => ({ metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from(type) }, data: Buffer.from(JSON.stringify(v)) });
    const started = registry.validateUpsert(decodeSearchAttributePayloads({ TenantId: json('acme', 'Keyword') }, registry));
    const upserted = registry.validateUpsert(decodeSearchAttributePayloads({ RiskLevel: json(3, 'Int'), TemporalChangeVersion: json(['fix-1'], 'KeywordList') }, registry));
    const row: VisibilityRow & { memo: string } = {
      workflowId: 'task-1', runId: 'r1', workflowType: 'governedTask', executionStatus: 'Running', taskQueue: 'agent-runs',
      startTime: Date.now(), executionTime: Date.now(), historyLength: 5, searchAttributes: { ...started, ...upserted }, memo: 'kept',
    };
    const page = queryExecutions([row], "TenantId = 'acme' AND RiskLevel >= 3 AND ChangeVersion = 'fix-1'", registry, { pageSize: 10 });
    expect(page.rows).toEqual([row]);
    expect(page.rows[0]?.memo).toBe('kept');
    expect(countExecutions([row], 'GROUP BY ExecutionStatus', registry)).toEqual({ count: 1, groups: [{ values: ['Running'], count: 1 }] });
    const described = encodeSearchAttributeValues(row.searchAttributes, registry);
    expect(Object.keys(described).sort()).toEqual(['RiskLevel', 'TemporalChangeVersion', 'TenantId']);
  });
});
