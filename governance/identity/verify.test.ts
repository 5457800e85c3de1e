import { SignJWT, exportSPKI, importJWK, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueAgentCredential } from './issue.js';
import { createKeyRing, generateSigningKey, removeSigningKey, rotateSigningKeys } from './keys.js';
import { AUD, ISS, T0, T0_SEC, b64, ctx, fixture, signRaw, unb64, validClaims, type Fixture } from './test-helpers.js';
import { MAX_TOKEN_BYTES, verifyAgentCredential, type VerifyResult } from './verify.js';

let f: Fixture;
let token: string;
beforeAll(async () => {
  f = await fixture();
  ({ token } = await issueAgentCredential({ agentId: 'agent-1', tenant: 'acme', capabilities: ['docs.read'], actingFor: ['alice', 'svc-x'], ttlSeconds: 600, audience: AUD, issuer: ISS, now: T0, jti: 'jti-1' }, f.ring));
});

const codeOf = (r: VerifyResult): string => (r.ok ? 'OK' : r.reason.code);

describe('verifyAgentCredential: accepts', () => {
  it('a fresh credential and returns the identity with its delegation chain', async () => {
    const r = await verifyAgentCredential(token, ctx(f.ring, { expectedTenant: 'acme' }));
    expect(r).toEqual({
      ok: true,
      identity: { agentId: 'agent-1', tenant: 'acme', capabilities: ['docs.read'], actingFor: ['alice', 'svc-x'], credentialId: 'jti-1', keyId: f.record.kid, expiresAt: '2026-11-25T12:10:00.000Z' },
    });
  });

  it('a credential expiring within the clock tolerance', async () => {
    const now = new Date((T0_SEC + 600 + 29) * 1000);
    expect(codeOf(await verifyAgentCredential(token, ctx(f.ring, { now })))).toBe('OK');
  });
});

describe('verifyAgentCredential: refuses forged and invalid tokens', () => {
  it.each([
    ['undefined', undefined, 'MISSING'],
    ['an empty string', '', 'MISSING'],
    ['a number', 42, 'MALFORMED'],
    ['garbage', 'not-a-jwt', 'MALFORMED'],
    ['a five-part JWE', 'eyJhbGciOiJkaXIifQ..aaaa.bbbb.cccc', 'MALFORMED'],
    ['a header that is not JSON', `${Buffer.from('{nope').toString('base64url')}.e30.c2ln`, 'MALFORMED'],
  ])('%s', async (_name, input, code) => {
    const r = await verifyAgentCredential(input, ctx(f.ring));
    expect(codeOf(r)).toBe(code);
    if (!r.ok) expect(r.reason.message).toMatch(/^[a-z][^\n]*[^.]$/);
  });

  it('a token with a tampered payload (capabilities widened)', async () => {
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = `${h}.${b64({ ...unb64(p), capabilities: ['docs.read', 'admin.everything'] })}.${s}`;
    expect(codeOf(await verifyAgentCredential(forged, ctx(f.ring)))).toBe('BAD_SIGNATURE');
  });

  it('a token signed by another key under the ring key kid', async () => {
    const other = await generateSigningKey(T0);
    const forged = await signRaw(other, validClaims(), { kid: f.record.kid });
    expect(codeOf(await verifyAgentCredential(forged, ctx(f.ring)))).toBe('BAD_SIGNATURE');
  });

  it('a token signed by another key under its own kid', async () => {
    const other = await generateSigningKey(T0);
    expect(codeOf(await verifyAgentCredential(await signRaw(other, validClaims()), ctx(f.ring)))).toBe('UNKNOWN_KID');
  });

  it('alg none (unsigned)', async () => {
    const forged = `${b64({ alg: 'none', typ: 'agent+jwt', kid: f.record.kid })}.${b64(validClaims())}.`;
    const r = await verifyAgentCredential(forged, ctx(f.ring));
    expect(r).toMatchObject({ ok: false, reason: { code: 'ALG_NOT_ALLOWED', message: 'algorithm `none` is not allowed: only `EdDSA` is accepted' } });
  });

  it('HS256 keyed with the public key (key confusion), in every encoding of that key', async () => {
    const pub = (await importJWK(f.record.publicJwk, 'EdDSA')) as CryptoKey;
    const secrets = [Buffer.from(f.record.publicJwk.x, 'base64url'), Buffer.from(JSON.stringify(f.record.publicJwk)), Buffer.from(await exportSPKI(pub))];
    for (const secret of secrets) {
      const forged = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'HS256', typ: 'agent+jwt', kid: f.record.kid }).sign(secret);
      expect(codeOf(await verifyAgentCredential(forged, ctx(f.ring)))).toBe('ALG_NOT_ALLOWED');
    }
  });

  it.each(['RS256', 'ES256', 'Ed25519', 'EDDSA', undefined])('alg %s', async (alg) => {
    const [, p, s] = token.split('.') as [string, string, string];
    const forged = `${b64({ alg, typ: 'agent+jwt', kid: f.record.kid })}.${p}.${s}`;
    expect(codeOf(await verifyAgentCredential(forged, ctx(f.ring)))).toBe('ALG_NOT_ALLOWED');
  });

  it('a token without a kid', async () => {
    const forged = await signRaw(f.record, validClaims(), { kid: undefined });
    expect(codeOf(await verifyAgentCredential(forged, ctx(f.ring)))).toBe('UNKNOWN_KID');
  });

  it('a token of another type (typ not agent+jwt)', async () => {
    for (const typ of ['JWT', 'at+jwt', undefined]) {
      expect(codeOf(await verifyAgentCredential(await signRaw(f.record, validClaims(), { typ }), ctx(f.ring)))).toBe('MALFORMED');
    }
  });

  it('a token with an unknown critical header', async () => {
    const forged = await signRaw(f.record, validClaims(), { crit: ['x-must-understand'], 'x-must-understand': true });
    expect(codeOf(await verifyAgentCredential(forged, ctx(f.ring)))).toBe('MALFORMED');
  });

  it('a token expired by 1 s beyond the tolerance', async () => {
    const exp = T0_SEC + 600;
    expect(codeOf(await verifyAgentCredential(token, ctx(f.ring, { now: new Date((exp + 30) * 1000) })))).toBe('EXPIRED');
    expect(codeOf(await verifyAgentCredential(token, ctx(f.ring, { now: new Date((exp + 1) * 1000), clockToleranceSec: 0 })))).toBe('EXPIRED');
  });

  it('a token whose nbf is in the future', async () => {
    const later = await signRaw(f.record, validClaims({ nbf: T0_SEC + 31, iat: T0_SEC }));
    expect(codeOf(await verifyAgentCredential(later, ctx(f.ring)))).toBe('NOT_YET_VALID');
    expect(codeOf(await verifyAgentCredential(later, ctx(f.ring, { now: new Date((T0_SEC + 1) * 1000) })))).toBe('OK');
  });

  it('a token issued in the future', async () => {
    expect(codeOf(await verifyAgentCredential(await signRaw(f.record, validClaims({ iat: T0_SEC + 3600 })), ctx(f.ring)))).toBe('NOT_YET_VALID');
  });

  it('wrong audience, issuer or tenant', async () => {
    expect(codeOf(await verifyAgentCredential(token, ctx(f.ring, { audience: 'other' })))).toBe('WRONG_AUDIENCE');
    expect(codeOf(await verifyAgentCredential(token, ctx(f.ring, { issuer: 'https://evil.example' })))).toBe('WRONG_ISSUER');
    expect(await verifyAgentCredential(token, ctx(f.ring, { expectedTenant: 'globex' }))).toMatchObject({ ok: false, reason: { code: 'WRONG_TENANT', message: 'credential belongs to tenant `acme`, not `globex`' } });
    expect(codeOf(await verifyAgentCredential(await signRaw(f.record, validClaims({ aud: undefined })), ctx(f.ring)))).toBe('WRONG_AUDIENCE');
  });

  it('a revoked jti, and fails closed when the revocation check throws', async () => {
    const seen: string[] = [];
    const r = await verifyAgentCredential(token, ctx(f.ring, { isRevoked: async (jti) => { seen.push(jti); return jti === 'jti-1'; } }));
    expect(codeOf(r)).toBe('REVOKED');
    expect(seen).toEqual(['jti-1']);
    const broken = await verifyAgentCredential(token, ctx(f.ring, { isRevoked: () => { throw new Error('db down'); } }));
    expect(broken).toMatchObject({ ok: false, reason: { code: 'REVOKED' } });
  });

  it.each([
    ['capabilities as a string', { capabilities: 'admin' }],
    ['capabilities with a number', { capabilities: ['a', 1] }],
    ['tenant as a number', { tenant: 7 }],
    ['no tenant', { tenant: undefined }],
    ['no jti', { jti: undefined }],
    ['an empty sub', { sub: '' }],
    ['act without sub', { act: { user: 'alice' } }],
    ['act.sub as a number', { act: { sub: 5 } }],
    ['exp as a string', { exp: String(T0_SEC + 600) }],
    ['a fractional iat', { iat: T0_SEC + 0.5 }],
  ])('claims with %s', async (_name, patch) => {
    const r = await verifyAgentCredential(await signRaw(f.record, validClaims(patch)), ctx(f.ring));
    expect(codeOf(r)).toBe('CLAIMS_INVALID');
  });

  it('a delegation chain deeper than the limit', async () => {
    let act: Record<string, unknown> | undefined;
    for (let i = 0; i < 9; i++) act = act ? { sub: `u${i}`, act } : { sub: `u${i}` };
    expect(codeOf(await verifyAgentCredential(await signRaw(f.record, validClaims({ act })), ctx(f.ring)))).toBe('CLAIMS_INVALID');
  });

  it('a validly signed token larger than 8 KiB, as MALFORMED', async () => {
    const capabilities = Array.from({ length: 100 }, (_, i) => `cap.${i}.${'x'.repeat(90)}`);
    const big = await signRaw(f.record, validClaims({ capabilities }));
    expect(big.length).toBeGreaterThan(MAX_TOKEN_BYTES);
    expect(codeOf(await verifyAgentCredential(big, ctx(f.ring)))).toBe('MALFORMED');
  });

  it('keeps unverified hints of a refused token for the audit trail only', async () => {
    const r = await verifyAgentCredential(token, ctx(f.ring, { audience: 'other' }));
    expect(r).toMatchObject({ ok: false, unverified: { kid: f.record.kid, sub: 'agent-1', tenant: 'acme', jti: 'jti-1' } });
  });
});

describe('verifyAgentCredential: rotation', () => {
  it('verifies credentials of a retired key until that key is removed', async () => {
    const rotated = await rotateSigningKeys([f.record], new Date(T0.getTime() + 1000));
    const ring2 = await createKeyRing(rotated);
    expect(ring2.activeKid).not.toBe(f.record.kid);
    expect(codeOf(await verifyAgentCredential(token, ctx(ring2)))).toBe('OK');
    const fresh = await issueAgentCredential({ agentId: 'agent-1', tenant: 'acme', capabilities: [], ttlSeconds: 60, audience: AUD, issuer: ISS, now: T0 }, ring2);
    expect(fresh.kid).toBe(ring2.activeKid);
    const ring3 = await createKeyRing(removeSigningKey(rotated, f.record.kid));
    expect(codeOf(await verifyAgentCredential(token, ctx(ring3)))).toBe('UNKNOWN_KID');
    expect(codeOf(await verifyAgentCredential(fresh.token, ctx(ring3)))).toBe('OK');
  });

  it('refuses an invalid verification context by throwing BAD_USER_INPUT', async () => {
    await expect(verifyAgentCredential(token, ctx(f.ring, { audience: '' }))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(verifyAgentCredential(token, ctx(f.ring, { isRevoked: undefined as never }))).rejects.toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'isRevoked', message: 'must be a function' }] });
  });
});
