import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeKeys } from '../../test/proxy/helpers.js';
import { DEFAULT_CLOCK_TOLERANCE_SEC } from '../../governance/identity/index.js';
import { createAuthenticator } from './index.js';

describe('proxy authenticator', () => {
  it('caches a verified credential, but never past its expiry', async () => {
    const keys = await makeKeys(mkdtempSync(join(tmpdir(), 'proxy-auth-')));
    let now = new Date();
    const auth = createAuthenticator({ jwks: keys.jwksPath, now: () => now });
    const token = await keys.token('a', ['util.echo'], { ttlSeconds: 30 });
    const first = await auth.authenticate(token);
    expect(first.ok).toBe(true);
    now = new Date(now.getTime() + 20_000);
    expect((await auth.authenticate(token)).ok).toBe(true);
    // past the expiry (and the verifier's clock tolerance): the cached identity is not served
    now = new Date(now.getTime() + 10_000 + (DEFAULT_CLOCK_TOLERANCE_SEC + 1) * 1000);
    expect(await auth.authenticate(token)).toMatchObject({ ok: false, status: 401, code: 'EXPIRED' });
  });
});
