/** Temporal CLI argv as the SDK's launcher sends it, plus the Java test-server form. */
import { describe, expect, it } from 'vitest';
import { parseArgs } from './cli.js';
import { prescan } from './cli-prescan.mjs';

describe('dev server arguments', () => {
  it('accepts the argv @temporalio/testing sends and warns once about ignored flags', () => {
    const argv = ['server', 'start-dev', '--port', '46049', '--namespace', 'default', '--ip', '127.0.0.1', '--log-format', 'pretty', '--log-level', 'warn',
      '--dynamic-config-value', 'frontend.enableServerVersionCheck=false', '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true', '--headless',
      '--search-attribute', 'TenantId=keyword', '--db-filename', '/tmp/x.db', '--namespace', 'other'];
    const { options, warnings } = parseArgs(argv);
    expect(options).toMatchObject({ port: 46049, ip: '127.0.0.1', namespaces: ['default', 'other'], dbFilename: '/tmp/x.db', logLevel: 'warn', searchAttributes: { TenantId: 'Keyword' } });
    expect(warnings).toEqual(['ignoring unsupported flag `--dynamic-config-value`']);
  });

  it('accepts a bare port and --flag=value forms', () => {
    expect(parseArgs(['7234']).options.port).toBe(7234);
    expect(parseArgs(['server', 'start-dev', '--port=0', '--max-payload-bytes=1024']).options).toMatchObject({ port: 0, maxPayloadBytes: 1024 });
    expect(prescan(['server', 'start-dev', '--port', '9', '--ip', '::1'])).toEqual({ port: 9, ip: '::1' });
  });

  it('rejects a bad port and an unknown search attribute type, naming the field', () => {
    expect(() => parseArgs(['server', 'start-dev', '--port', '70000'])).toThrow(/`port`/);
    expect(() => parseArgs(['server', 'start-dev', '--search-attribute', 'A=Blob'])).toThrow(/searchAttributes\.A/);
  });
});
