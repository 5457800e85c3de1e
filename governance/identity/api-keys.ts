/**
 * @module API keys for people (approvers, investigators, admins). Only the SHA-256 of a key is
 * stored; the key id (12 characters after the prefix) finds the row, the hash proves possession.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'ik_';
const KEY_PATTERN = /^ik_[A-Za-z0-9_-]{43}$/;

export interface GeneratedApiKey {
  /** Shown once to its owner, never stored. */
  key: string;
  keyId: string;
  /** SHA-256 hex of the key: what the store keeps. */
  hash: string;
}

/** A fresh key: `ik_` + 32 random bytes in base64url. */
export function generateApiKey(): GeneratedApiKey {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, keyId: apiKeyId(key)!, hash: hashApiKey(key) };
}

// why: a key carries 256 random bits, so a fast unsalted hash is enough: there is nothing to brute-force.
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The lookup id of a well-formed key, or null when the text is not an Interceptor API key. */
export function apiKeyId(key: string): string | null {
  return KEY_PATTERN.test(key) ? key.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + 12) : null;
}

/** Compare two strings in time independent of where they differ (length differences return early, which reveals only the length). */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when a presented key matches a stored hash; a malformed key never matches. */
export function verifyApiKey(presented: string, storedHash: string): boolean {
  if (apiKeyId(presented) === null) return false;
  return constantTimeEqual(hashApiKey(presented), storedHash.toLowerCase());
}
