import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSearchAttributes } from '../../app/temporal.js';
import { startDevServer, type DevServer } from '../../devserver/index.js';

describe('search attributes on an external Temporal service', () => {
  let server: DevServer;

  beforeAll(async () => {
    server = await startDevServer({ port: 0, namespaces: ['tenants'] });
  });
  afterAll(async () => server?.close());

  it('registers the missing custom attributes once, then leaves them alone', async () => {
    expect((await ensureSearchAttributes(server.address, 'tenants')).sort()).toEqual(['AgentId', 'Outcome', 'RiskLevel', 'TenantId']);
    expect(await ensureSearchAttributes(server.address, 'tenants')).toEqual([]);
  });
});
