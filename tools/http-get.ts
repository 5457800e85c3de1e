/**
 * @module http_get: fetch an allowlisted URL with a timeout and a response size cap. The allowlist
 * is enforced by governance before execution and checked again here (defence in depth).
 */
import { toolError, type ToolExecutor } from './types.js';

const MAX_BODY_BYTES = 512 * 1024;

export function urlAllowed(url: string, allowlist: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  if (u.username || u.password) return false;
  const normalised = `${u.protocol}//${u.host}${u.pathname}`;
  return allowlist.some((prefix) => normalised.startsWith(prefix));
}

export function createHttpGet(opts: { allowlist: () => readonly string[]; timeoutMs?: number }): ToolExecutor {
  return async ({ args, signal }) => {
    const url = String(args.url ?? '');
    if (!urlAllowed(url, opts.allowlist())) return toolError('URL_NOT_ALLOWED', `url \`${url}\` is not on the allowlist`);
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? 10_000);
    try {
      const res = await fetch(url, { redirect: 'error', signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      const body = await readCapped(res, MAX_BODY_BYTES);
      if (body === null) return toolError('RESPONSE_TOO_LARGE', `response from \`${url}\` exceeds ${MAX_BODY_BYTES} bytes`);
      return { ok: true, result: { url, status: res.status, contentType: res.headers.get('content-type') ?? '', body } };
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') return toolError('TIMEOUT', `request to \`${url}\` timed out`);
      return toolError('HTTP_ERROR', `request to \`${url}\` failed: ${(e as Error).message}`);
    }
  };
}

/** Read a body up to `max` bytes; null when it is larger (the rest is never buffered). */
export async function readCapped(res: Response, max: number): Promise<string | null> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
