/**
 * The evidence signing key on a real database: generated once and stored, the same key after a
 * restart, public halves only in the JWKS (with `use: "evidence"`, which jose ignores on import).
 */
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvidenceKeys, pgEvidenceKeyStore } from '../../api/services/forensics/evidence-keys.js';
import { getActiveEvidenceKeyWithPrivate, insertEvidenceKey, listEvidenceKeys } from '../../db/queries/evidence-keys.js';
import { backends, openTestDatabase, type TestDatabase } from '../db/helpers.js';

describe('evidence signing keys', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(backends()[0]!);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('generates the key once, keeps it across restarts, and publishes only its public half', async () => {
    const first = createEvidenceKeys(pgEvidenceKeyStore(db.pool));
    const kid = await first.ensure();
    expect(kid).toMatch(/^evidence-[A-Za-z0-9_-]{43}$/);
    expect(await first.ensure()).toBe(kid);
    const restarted = createEvidenceKeys(pgEvidenceKeyStore(db.pool));
    expect(await restarted.ensure()).toBe(kid);
    expect(await listEvidenceKeys(db.pool)).toHaveLength(1);
    const jwks = await restarted.publicJwks();
    expect(jwks).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid, alg: 'EdDSA', use: 'evidence' }]);
    expect((await restarted.signer()).privateJwk.d).toEqual((await getActiveEvidenceKeyWithPrivate(db.pool))!.privateJwk.d);
  });

  it('signs with a private key that the published key verifies', async () => {
    const keys = createEvidenceKeys(pgEvidenceKeyStore(db.pool));
    const signer = await keys.signer();
    const jws = await new CompactSign(new TextEncoder().encode('manifest')).setProtectedHeader({ alg: 'EdDSA', kid: signer.kid }).sign(await importJWK(signer.privateJwk as JWK, 'EdDSA'));
    const published = (await keys.publicJwks()).find((k) => k.kid === signer.kid)!;
    const { payload } = await compactVerify(jws, await importJWK(published, 'EdDSA'));
    expect(new TextDecoder().decode(payload)).toBe('manifest');
  });

  it('refuses a stored key whose private half does not belong to its public half', async () => {
    const a = await createEvidenceKeys(pgEvidenceKeyStore(db.pool)).signer();
    await expect(insertEvidenceKey(db.pool, { kid: 'evidence-bad', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) }, privateJwk: a.privateJwk as never }))
      .rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
