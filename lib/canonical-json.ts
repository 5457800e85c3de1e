/** @module RFC 8785 (JCS) canonical JSON and SHA-256 digests over it. */
import { createHash } from 'node:crypto';
import canonicalizeImpl from 'canonicalize';

const canonicalizeFn = canonicalizeImpl as unknown as (v: unknown) => string | undefined;

/** Serialise a JSON value canonically (sorted keys, ECMAScript number form). Undefined becomes null. */
export function canonicalJson(value: unknown): string {
  return canonicalizeFn(value) ?? 'null';
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 over the canonical JSON of a value: the digest used for arguments, plans and audit chains. */
export function digestJson(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
