/**
 * UI serving (api/ui.ts) in process, over a fixture build: content types, cache headers, the SPA
 * fallback, the `/` redirect, conditional and compressed responses, and what it refuses.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUiServing, type UiServing } from '../../api/ui.js';

const logger = { info: () => undefined, error: () => undefined };
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

async function fixtureBuild(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ui-serve-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><script type="module" src="/ui/assets/main-ABC.js"></script>');
  await writeFile(join(dir, 'assets', 'main-ABC.js'), SCRIPT);
  await writeFile(join(dir, 'assets', 'main-ABC.css'), 'body{}');
  return dir;
}

describe('UI serving', () => {
  let dir: string;
  let ui: UiServing;
  const get = async (path: string, init: RequestInit = {}) => {
    const req = new Request(`http://ui.test${path}`, init);
    return ui.respond(req, new URL(req.url), Response);
  };

  beforeAll(async () => {
    dir = await fixtureBuild();
    ui = createUiServing({ logger, build: async () => ({ dir, built: false }) });
    await ui.ready;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('redirects / to /ui/', async () => {
    const r = await get('/');
    expect(r?.status).toBe(302);
    expect(r?.headers.get('location')).toBe('/ui/');
  });

  it('answers every page under /ui with index.html, revalidated, under a strict CSP', async () => {
    for (const path of ['/ui', '/ui/', '/ui/tasks/task_1', '/ui/approvals?x=1']) {
      const r = (await get(path))!;
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(r.headers.get('cache-control')).toBe('no-cache');
      expect(r.headers.get('content-security-policy')).toMatch(/default-src 'none'.*script-src 'self'.*frame-ancestors 'none'/);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await r.text()).toContain('/ui/assets/main-ABC.js');
    }
  });

  it('serves hashed assets with their type and a one-year immutable cache', async () => {
    const js = (await get('/ui/assets/main-ABC.js'))!;
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe(SCRIPT);
    expect((await get('/ui/assets/main-ABC.css'))!.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('compresses when asked and answers 304 to a matching ETag', async () => {
    const gz = (await get('/ui/assets/main-ABC.js', { headers: { 'accept-encoding': 'gzip, br' } }))!;
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(new Uint8Array(await gz.arrayBuffer())).toString()).toBe(SCRIPT);
    const again = (await get('/ui/assets/main-ABC.js', { headers: { 'if-none-match': gz.headers.get('etag')! } }))!;
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('refuses missing files, traversal and writes instead of falling back to the page', async () => {
    for (const path of ['/ui/assets/missing.js', '/ui/assets/..%2F..%2Fpackage.json', '/ui/assets/../index.html', '/ui/favicon.ico', '/ui/assets/']) {
      expect((await get(path))!.status, path).toBe(404);
    }
    const post = (await get('/ui/tasks', { method: 'POST', body: '{}' }))!;
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('leaves every other path to GraphQL and the operational routes', async () => {
    for (const path of ['/graphql', '/healthz', '/metrics', '/uix', '/api/ui']) expect(await get(path), path).toBeNull();
  });

  it('answers 503 when the build failed, without leaking why', async () => {
    const broken = createUiServing({ logger, build: () => Promise.reject(new Error('esbuild exploded at /secret/path')) });
    await broken.ready;
    const req = new Request('http://ui.test/ui/');
    const r = (await broken.respond(req, new URL(req.url), Response))!;
    expect(r.status).toBe(503);
    expect(await r.text()).not.toContain('/secret/path');
  });
});
