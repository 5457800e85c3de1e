import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiKeyId, constantTimeEqual, generateApiKey, hashApiKey, verifyApiKey } from './api-keys.js';
import { ROLES, RoleSchema } from './roles.js';

describe('API keys', () => {
  it('generates ik_ + 32 random bytes, its 12-character id and its SHA-256', () => {
    const k = generateApiKey();
    expect(k.key).toMatch(/^ik_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(k.key.slice(3), 'base64url')).toHaveLength(32);
    expect(k.keyId).toBe(k.key.slice(3, 15));
    expect(k.hash).toBe(createHash('sha256').update(k.key).digest('hex'));
    expect(generateApiKey().key).not.toBe(k.key);
  });

  it('verifies the right key against its hash and nothing else', () => {
    const k = generateApiKey();
    expect(verifyApiKey(k.key, k.hash)).toBe(true);
    expect(verifyApiKey(k.key, k.hash.toUpperCase())).toBe(true);
    expect(verifyApiKey(generateApiKey().key, k.hash)).toBe(false);
    expect(verifyApiKey(k.key.slice(0, -1) + (k.key.endsWith('A') ? 'B' : 'A'), k.hash)).toBe(false);
    expect(verifyApiKey(k.hash, k.hash)).toBe(false);
  });

  it('refuses malformed keys', () => {
    for (const bad of ['', 'ik_', 'ik_short', 'sk_' + 'a'.repeat(43), 'ik_' + 'a'.repeat(44), 'ik_' + '!'.repeat(43)]) expect(apiKeyId(bad)).toBeNull();
    expect(hashApiKey('x')).toHaveLength(64);
  });

  it('compares strings in constant time and handles length mismatch', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('knows the four roles', () => {
    expect(ROLES).toEqual(['agent', 'approver', 'investigator', 'admin']);
    expect(RoleSchema.safeParse('root').success).toBe(false);
  });
});
