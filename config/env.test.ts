import { describe, expect, it } from 'vitest';
import { loadConfig } from './env.js';

describe('configuration from the environment', () => {
  it('has working defaults', () => {
    expect(loadConfig({})).toMatchObject({ PORT: 4000, TOOL_LEASE: '12s', RUN_SQL_TIMEOUT: '2s', APPROVAL_TIMEOUT: '24h', API_RATE_LIMIT: '100/s', MAX_PENDING_APPROVALS: 20 });
    expect(loadConfig({ API_RATE_LIMIT: 'off' }).API_RATE_LIMIT).toBe('off');
  });

  it.each([
    ['RUN_SQL_TIMEOUT', '2 seconds'],
    ['RUN_SQL_TIMEOUT', '5m'],
    ['RUN_SQL_TIMEOUT', '16s'],
    ['RUN_SQL_TIMEOUT', '0ms'],
    ['TOOL_LEASE', 'soon'],
    ['PORT', '70000'],
    ['MAX_PENDING_APPROVALS', '0'],
    ['MAX_PENDING_APPROVALS', 'lots'],
    ['API_RATE_LIMIT', '0/s'],
    ['API_RATE_LIMIT', '100'],
    ['API_RATE_LIMIT', 'none'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', issues: [expect.objectContaining({ path: name })] }));
  });

  it('accepts a run_sql limit up to 15 s', () => {
    expect(loadConfig({ RUN_SQL_TIMEOUT: '15s' }).RUN_SQL_TIMEOUT).toBe('15s');
    expect(loadConfig({ RUN_SQL_TIMEOUT: '500ms' }).RUN_SQL_TIMEOUT).toBe('500ms');
  });
});
