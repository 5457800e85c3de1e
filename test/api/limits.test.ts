import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema, getIntrospectionQuery, parse, validate } from 'graphql';
import { queryLimitsRule } from '../../api/limits/query-limits.js';
import { listen, type ListeningApi } from '../../api/server.js';
import { ADMIN_TOKEN, codes, finishTask, gql, openHarness, seedHeldTask, tenantFixture, type Harness, type TenantFixture } from './harness.js';

/** Send raw bytes over HTTP/1.1 and read the status and body (chunked when no length is given). */
function send(url: string, body: Buffer | AsyncIterable<Buffer>, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve({ status: -1, body: '' }) : reject(e)));
    if (Buffer.isBuffer(body)) {
      req.end(body);
      return;
    }
    void (async () => {
      for await (const chunk of body) if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      req.end();
    })().catch(() => undefined);
  });
}

async function* chunks(total: number, size = 64 * 1024): AsyncGenerator<Buffer> {
  yield Buffer.from('{"query":"{ viewer { id } }","variables":{"pad":"');
  for (let sent = 0; sent < total; sent += size) yield Buffer.alloc(size, 'a');
  yield Buffer.from('"}}');
}

describe('request limits, masking and operational routes', () => {
  let h: Harness;
  let a: TenantFixture;
  let server: ListeningApi;

  beforeAll(async () => {
    h = await openHarness();
    a = await tenantFixture(h, 'acme');
    server = await listen(h.api, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
  });

  it('refuses a declared body over 1 MiB with 413 and PAYLOAD_TOO_LARGE, without reading it', async () => {
    const body = Buffer.alloc(1024 * 1024 + 10, 'a');
    const r = await send(server.url, body, { 'content-type': 'application/json', 'content-length': String(body.length) });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('stops reading a chunked body once it passes 1 MiB', async () => {
    const r = await send(server.url, chunks(8 * 1024 * 1024), { 'content-type': 'application/json', 'transfer-encoding': 'chunked', authorization: `Bearer ${ADMIN_TOKEN}` });
    expect([413, -1]).toContain(r.status);
    if (r.status === 413) expect(JSON.parse(r.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('accepts a chunked body under the limit', async () => {
    const r = await send(server.url, chunks(100 * 1024), { 'content-type': 'application/json', 'transfer-encoding': 'chunked', authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).data.viewer.id).toBe('platform-admin');
  });

  it('refuses a query nested deeper than 12 levels, fragments included', () => {
    const schema = buildSchema('type Query { node: Node } type Node { id: ID child: Node }');
    const depth = (n: number) => `{ ${'node { '.repeat(1)}${'child { '.repeat(n - 2)}id${' }'.repeat(n - 1)} }`;
    const check = (q: string) => validate(schema, parse(q), [queryLimitsRule()]).map((e) => [e.message, e.extensions.code]);
    expect(check(depth(12))).toEqual([]);
    expect(check(depth(13))).toEqual([['query depth 13 exceeds the limit of 12', 'QUERY_TOO_COMPLEX']]);
    const viaFragments = `{ node { ...A } } fragment A on Node { child { child { child { ...B } } } } fragment B on Node { child { child { child { child { child { child { child { child { id } } } } } } } } }`;
    expect(check(viaFragments)).toEqual([['query depth 13 exceeds the limit of 12', 'QUERY_TOO_COMPLEX']]);
  });

  it('limits introspection depth separately (GraphiQL needs more than 12)', async () => {
    const ofType = (n: number) => `{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(n - 4)}name${' }'.repeat(n - 4)} } } } }`;
    expect(codes(await gql(h, null, ofType(20)))).toEqual([]);
    const r = await gql(h, null, ofType(21));
    expect(codes(r)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(r.errors![0]!.message).toBe('introspection depth 21 exceeds the limit of 20');
  });

  it('reports QUERY_TOO_COMPLEX for aliases and fragment bombs over HTTP', async () => {
    const aliases = `{ ${Array.from({ length: 31 }, (_, i) => `v${i}: viewer { id }`).join(' ')} }`;
    const r = await gql(h, a.investigator.token, aliases);
    expect(codes(r)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(r.errors![0]!.message).toBe('query uses 31 aliases, more than the limit of 30');
    const level = (i: number) => (i === 8 ? 'viewer { id }' : `...F${i + 1} `.repeat(4));
    const bomb = `{ ...F0 } ${Array.from({ length: 9 }, (_, i) => `fragment F${i} on Query { ${level(i)} }`).join(' ')}`;
    const b = await gql(h, a.investigator.token, bomb);
    expect(codes(b)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(b.errors![0]!.message).toMatch(/^query selects \d+ fields, more than the limit of 1500$/);
  });

  it('masks unexpected errors: no stack, no internals, and logs the cause', async () => {
    const original = h.api.services.budgets.list;
    h.api.services.budgets.list = async () => {
      throw new Error('relation "budgets" does not exist at /work/main/db/queries/budgets.ts:62');
    };
    try {
      const r = await gql(h, a.investigator.token, '{ budgets { id } }');
      expect(r.errors!.map((e) => [e.message, e.extensions])).toEqual([['Unexpected error.', { code: 'INTERNAL_SERVER_ERROR' }]]);
      expect(JSON.stringify(r)).not.toMatch(/relation|budgets\.ts|stack|originalError/);
      expect(h.logs.some((l) => l.level === 'error' && String((l.obj as { err?: Error }).err?.message).includes('relation "budgets"'))).toBe(true);
    } finally {
      h.api.services.budgets.list = original;
    }
  });

  it('serves the introspection query GraphiQL sends', async () => {
    const r = await gql(h, null, getIntrospectionQuery());
    expect(codes(r)).toEqual([]);
    expect(r.data!.__schema.queryType.name).toBe('Query');
  });

  it('serves GraphiQL to a browser at /graphql', async () => {
    const res = await h.api.handle(new Request('http://t/graphql', { headers: { accept: 'text/html' } }));
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/graphiql/i);
  });

  it('answers /healthz and /metrics', async () => {
    const health = await h.api.handle(new Request('http://t/healthz'));
    expect(health.status).toBe(200);
    const held = await seedHeldTask(h, 'acme', a.agent.id);
    const done = await seedHeldTask(h, 'acme', a.agent.id);
    await gql(h, a.approver.token, 'mutation($id: ID!) { decideApproval(input: { approvalId: $id, decision: APPROVE }) { id } }', { id: done.approvalId });
    h.clock.now = new Date(Date.now() + 1000);
    await finishTask(h, 'acme', done.taskId);
    void held;
    const metrics = await (await h.api.handle(new Request('http://t/metrics'))).text();
    expect(metrics).toMatch(/interceptor_approval_queue_size 1/);
    expect(metrics).toMatch(/interceptor_decisions_total\{decision="REQUIRE_APPROVAL"\} 2/);
    expect(metrics).toMatch(/interceptor_decisions_total\{decision="ALLOW"\} 2/);
    expect(metrics).toMatch(/interceptor_task_latency_seconds_count\{outcome="COMPLETED"\} 1/);
    const again = await (await h.api.handle(new Request('http://t/metrics'))).text();
    expect(again).toMatch(/interceptor_decisions_total\{decision="ALLOW"\} 2/);
    expect(again).toMatch(/interceptor_task_latency_seconds_count\{outcome="COMPLETED"\} 1/);
  });
});

describe('rate limit per credential', () => {
  let h: Harness;
  let a: TenantFixture;
  beforeAll(async () => {
    // burst 3, then one request every 2 s: slow enough that the test's own pace never refills a token
    h = await openHarness({ rateLimit: { perSecond: 0.5, burst: 3 } });
    a = await tenantFixture(h, 'acme');
  });
  afterAll(async () => h?.close());

  const post = (token: string, query: string, variables?: Record<string, unknown>) =>
    h.api.handle(new Request('http://t/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) }));

  it('refuses a credential past its limit with 429, RATE_LIMITED and Retry-After, acting on nothing', async () => {
    for (let i = 0; i < 3; i++) expect((await post(a.agent.token, '{ viewer { id } }')).status).toBe(200);
    const tasksBefore = (await h.db.pool.query('SELECT count(*)::int AS n FROM tasks')).rows[0].n as number;
    const refused = await post(a.agent.token, 'mutation($i: SubmitTaskInput!) { submitTask(input: $i) { id } }', { i: { goal: 'one too many', plan: { steps: [{ stepId: 'r', tool: 'read_file', args: { path: 'x.txt' } }] } } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as { errors: { message: string; extensions: { code: string; retryAfterMs: number } }[] };
    expect(body.errors[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) }, message: expect.stringContaining('too many requests') });
    expect(body.errors[0]!.extensions.retryAfterMs).toBeGreaterThan(0);
    expect(body.errors[0]!.extensions.retryAfterMs).toBeLessThanOrEqual(2000);
    expect((await h.db.pool.query('SELECT count(*)::int AS n FROM tasks')).rows[0].n).toBe(tasksBefore);
    // another credential has a bucket of its own, and the platform administrator is never limited
    expect((await post(a.investigator.token, '{ viewer { id } }')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await post(ADMIN_TOKEN, '{ viewer { id } }')).status).toBe(200);
  });
});
