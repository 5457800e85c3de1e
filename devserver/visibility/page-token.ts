/**
 * @module Next-page tokens. A token carries the sort key of the last row served (keyset paging), so
 * a page never repeats or skips rows because others started in between, as an offset would. It is
 * bound to the query text by a digest; tokens are client input and are validated as such.
 */
import { z } from 'zod';
import { sha256Hex } from '../../lib/canonical-json.js';
import { VisibilityError } from './errors.js';
import type { Ordering, SortKey } from './order.js';

const MAX_TOKEN_BYTES = 8 * 1024;
const TokenSchema = z.object({
  v: z.literal(1),
  q: z.string().length(32),
  k: z.array(z.union([z.string(), z.number().finite(), z.boolean(), z.null()])).max(64),
}).strict();

/** The digest a token is bound to. */
export function queryDigest(text: string): string {
  return sha256Hex(text).slice(0, 32);
}

export function encodePageToken(digest: string, key: SortKey): Buffer {
  return Buffer.from(JSON.stringify({ v: 1, q: digest, k: key }));
}

/** Decode a client's token for this query and ordering; undefined for "first page". Throws INVALID_ARGUMENT. */
export function decodePageToken(token: Uint8Array | null | undefined, digest: string, ordering: Ordering): SortKey | undefined {
  if (token === null || token === undefined || token.length === 0) return undefined;
  if (token.length > MAX_TOKEN_BYTES) throw invalid();
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(token));
  } catch {
    throw invalid();
  }
  const parsed = TokenSchema.safeParse(json);
  if (!parsed.success || parsed.data.q !== digest) throw invalid();
  const key = parsed.data.k;
  const fits = key.length === ordering.partTypes.length
    && key.every((part, i) => part === null || typeof part === ordering.partTypes[i]);
  if (!fits) throw invalid();
  return key;
}

function invalid(): VisibilityError {
  return new VisibilityError('INVALID_ARGUMENT', 'invalid next page token: it does not belong to this query');
}
