/** ui/build.ts: a build per source digest, made once even when several processes ask at the same time. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt, uiSourceDigest } from '../../ui/build.js';

describe('ui build', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('builds once per source digest, concurrently safe, with index.html pointing at hashed assets', async () => {
    const distDir = await mkdtemp(join(tmpdir(), 'ui-build-'));
    dirs.push(distDir);
    const [a, b] = await Promise.all([ensureUiBuilt({ distDir }), ensureUiBuilt({ distDir })]);
    expect(a.dir).toBe(b.dir);
    expect(a.digest).toBe(await uiSourceDigest());
    const again = await ensureUiBuilt({ distDir });
    expect(again).toMatchObject({ dir: a.dir, built: false });
    // no temp directories left behind by the builder that lost the race
    expect((await readdir(distDir)).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    const html = await readFile(join(a.dir, 'index.html'), 'utf8');
    const assets = await readdir(join(a.dir, 'assets'));
    for (const ref of html.match(/\/ui\/assets\/[^"]+/g) ?? []) expect(assets).toContain(ref.slice('/ui/assets/'.length));
    expect(assets.some((n) => /^main-[A-Z0-9]+\.js$/.test(n))).toBe(true);
    // the whole UI, layout library included, stays small
    const js = assets.find((n) => n.endsWith('.js'))!;
    expect((await readFile(join(a.dir, 'assets', js))).byteLength).toBeLessThan(150_000);
  });
});
