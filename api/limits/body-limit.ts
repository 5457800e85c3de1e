/**
 * @module Request body limit, applied before yoga parses anything. A declared Content-Length over the
 * limit is refused without reading a byte; a chunked body is read only up to the limit, then refused.
 */
import type { Plugin } from 'graphql-yoga';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** The 413 answer, shaped like a GraphQL error response so clients can read `extensions.code`. */
export function payloadTooLarge(limit: number, R: typeof Response = Response): Response {
  const body = {
    errors: [{ message: `request body exceeds the limit of ${limit} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
  };
  return new R(JSON.stringify(body), { status: 413, headers: { 'content-type': 'application/json; charset=utf-8', connection: 'close' } });
}

/** Read a stream fully unless it exceeds `limit` bytes; returns null as soon as it does. */
export async function readLimited(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        // why: cancelling tells the transport to stop receiving; the rest of the body is never buffered.
        await reader.cancel().catch(() => undefined);
        return null;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function declaredLength(request: Request): number | null {
  const header = request.headers.get('content-length');
  if (header === null || !/^\d+$/.test(header.trim())) return null;
  return Number(header);
}

/** Yoga plugin enforcing the limit on every request with a body. */
export function useBodyLimit(limit = DEFAULT_MAX_BODY_BYTES): Plugin {
  return {
    async onRequest({ request, setRequest, endResponse, fetchAPI }) {
      const declared = declaredLength(request);
      if (declared !== null && declared > limit) return endResponse(payloadTooLarge(limit, fetchAPI.Response));
      if (!request.body) return;
      const bytes = await readLimited(request.body, limit);
      if (bytes === null) return endResponse(payloadTooLarge(limit, fetchAPI.Response));
      const headers = new fetchAPI.Headers(request.headers);
      headers.set('content-length', String(bytes.byteLength));
      headers.delete('transfer-encoding');
      setRequest(new fetchAPI.Request(request.url, { method: request.method, headers, body: bytes as Uint8Array<ArrayBuffer>, signal: request.signal }));
    },
  };
}
