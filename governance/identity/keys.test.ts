import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { issueAgentCredential } from './issue.js';
import { createKeyRing, generateSigningKey, rotateSigningKeys, type SigningKeyRecord } from './keys.js';
import { AUD, ISS, T0 } from './test-helpers.js';

const later = (s: number) => new Date(T0.getTime() + s * 1000);

describe('signing keys and the key ring', () => {
  it('names each key by its RFC 7638 thumbprint', async () => {
    const r = await generateSigningKey(T0);
    expect(r.kid).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: r.publicJwk.x }));
    expect(r).toMatchObject({ status: 'active', createdAt: T0.toISOString(), publicJwk: { kty: 'OKP', crv: 'Ed25519' } });
    expect(r.privateJwk?.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('signs with the newest active key and verifies with all of them', async () => {
    const old = await generateSigningKey(T0);
    const newer = await generateSigningKey(later(60));
    const ring = await createKeyRing([newer, old]);
    expect(ring.activeKid).toBe(newer.kid);
    expect(ring.kids).toEqual([newer.kid, old.kid]);
    expect(ring.verificationKey(old.kid)).toBeDefined();
    expect(ring.verificationKey('nope')).toBeUndefined();
  });

  it('retires the active key on rotation and publishes public keys only', async () => {
    const first = await generateSigningKey(T0);
    const rotated = await rotateSigningKeys([first], later(10));
    expect(rotated.map((r) => r.status)).toEqual(['retired', 'active']);
    expect(rotated[0]).toMatchObject({ kid: first.kid, retiredAt: later(10).toISOString() });
    const jwks = (await createKeyRing(rotated)).publicJwks();
    expect(jwks.keys.map((k) => k.kid)).toEqual(rotated.map((r) => r.kid));
    expect(JSON.stringify(jwks)).not.toContain(first.privateJwk!.d);
  });

  it('verifies but cannot issue without an active private key', async () => {
    const { privateJwk: _drop, ...publicOnly } = await generateSigningKey(T0);
    const ring = await createKeyRing([publicOnly]);
    expect(ring.activeKid).toBeNull();
    await expect(issueAgentCredential({ agentId: 'a', tenant: 't', capabilities: [], ttlSeconds: 60, audience: AUD, issuer: ISS, now: T0 }, ring)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it.each<[string, (r: SigningKeyRecord, o: SigningKeyRecord) => unknown[]]>([
    ['a kid that is not the thumbprint of its key', (r, o) => [{ ...r, kid: o.kid }]],
    ['a private key that belongs to another public key', (r, o) => [{ ...r, privateJwk: { ...o.privateJwk!, x: r.publicJwk.x } }]],
    ['a duplicate kid', (r) => [r, r]],
    ['a malformed record', (r) => [{ ...r, status: 'compromised' }]],
  ])('refuses %s', async (_name, mutate) => {
    const r = await generateSigningKey(T0);
    const o = await generateSigningKey(T0);
    await expect(createKeyRing(mutate(r, o))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('issueAgentCredential', () => {
  it('writes the header and claims the verifier expects', async () => {
    const rec = await generateSigningKey(T0);
    const ring = await createKeyRing([rec]);
    const c = await issueAgentCredential({ agentId: 'agent-9', tenant: 'acme', capabilities: ['b', 'a', 'b'], actingFor: ['alice', 'svc'], ttlSeconds: 300, audience: AUD, issuer: ISS, now: T0 }, ring);
    expect(decodeProtectedHeader(c.token)).toEqual({ alg: 'EdDSA', kid: rec.kid, typ: 'agent+jwt' });
    const iat = T0.getTime() / 1000;
    expect(decodeJwt(c.token)).toEqual({ sub: 'agent-9', tenant: 'acme', capabilities: ['a', 'b'], act: { sub: 'alice', act: { sub: 'svc' } }, iss: ISS, aud: AUD, jti: c.jti, iat, nbf: iat, exp: iat + 300 });
    expect(c).toMatchObject({ kid: rec.kid, expiresAt: '2026-11-25T12:05:00.000Z' });
    expect(c.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['a zero ttl', { ttlSeconds: 0 }, 'ttlSeconds'],
    ['a ttl beyond seven days', { ttlSeconds: 8 * 24 * 3600 }, 'ttlSeconds'],
    ['an empty agent id', { agentId: '' }, 'agentId'],
    ['capabilities that are not strings', { capabilities: [1] }, 'capabilities[0]'],
    ['an invalid date', { now: new Date('nope') }, 'now'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_name, patch, path) => {
    const ring = await createKeyRing([await generateSigningKey(T0)]);
    const params = { agentId: 'a', tenant: 't', capabilities: [], ttlSeconds: 60, audience: AUD, issuer: ISS, now: T0, ...patch };
    await expect(issueAgentCredential(params as never, ring)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [expect.objectContaining({ path })] });
  });
});
