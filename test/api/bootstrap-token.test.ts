import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../api/auth.js';
import { ADMIN_TOKEN_FILE, ensureBootstrapToken } from '../../api/bootstrap-token.js';

describe('bootstrap administrator token', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'interceptor-token-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('generates a token once, writes it readable by the owner only, and reuses it', async () => {
    const first = await ensureBootstrapToken({ dataDir: dir });
    expect(first.source).toBe('generated');
    expect(first.token).toMatch(/^ik_admin_[A-Za-z0-9_-]{43}$/);
    expect(first.hash).toBe(sha256Hex(first.token));
    expect((await stat(join(dir, ADMIN_TOKEN_FILE))).mode & 0o777).toBe(0o600);
    const again = await ensureBootstrapToken({ dataDir: dir });
    expect(again).toMatchObject({ source: 'file', token: first.token });
  });

  it('prefers INTERCEPTOR_ADMIN_TOKEN and writes nothing', async () => {
    const t = await ensureBootstrapToken({ configured: 'configured-token-0123456789', dataDir: dir });
    expect(t).toMatchObject({ source: 'environment', token: 'configured-token-0123456789' });
    await expect(readFile(join(dir, ADMIN_TOKEN_FILE), 'utf8')).rejects.toThrow();
  });

  it('tightens a token file others can read', async () => {
    await writeFile(join(dir, ADMIN_TOKEN_FILE), 'ik_admin_0123456789abcdefghij\n');
    await chmod(join(dir, ADMIN_TOKEN_FILE), 0o644);
    const t = await ensureBootstrapToken({ dataDir: dir });
    expect(t.token).toBe('ik_admin_0123456789abcdefghij');
    expect((await stat(join(dir, ADMIN_TOKEN_FILE))).mode & 0o777).toBe(0o600);
  });

  it('refuses a truncated token file instead of accepting a guessable token', async () => {
    await writeFile(join(dir, ADMIN_TOKEN_FILE), 'short\n', { mode: 0o600 });
    await expect(ensureBootstrapToken({ dataDir: dir })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
