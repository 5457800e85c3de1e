/**
 * @module Registrable HTTP tools: a registered tool whose definition names an endpoint is executed
 * by POSTing `{ tool, taskId, stepId, args }` as JSON; the JSON response is the result. The
 * endpoint must match the tool's own URL allowlist. An Idempotency-Key header carries the execution key.
 */
import { readCapped, urlAllowed } from './http-get.js';
import { toolError, type ToolExecutor } from './types.js';

const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface HttpToolEndpoint {
  url: string;
  allowlist: readonly string[];
  timeoutMs?: number;
}

export function createHttpTool(name: string, endpoint: HttpToolEndpoint): ToolExecutor {
  return async ({ taskId, stepId, executionKey, args, signal }) => {
    if (!urlAllowed(endpoint.url, endpoint.allowlist)) return toolError('URL_NOT_ALLOWED', `endpoint \`${endpoint.url}\` of tool \`${name}\` is not on its allowlist`);
    const timeout = AbortSignal.timeout(endpoint.timeoutMs ?? 15_000);
    try {
      const res = await fetch(endpoint.url, {
        method: 'POST',
        redirect: 'error',
        headers: { 'content-type': 'application/json', 'idempotency-key': executionKey },
        body: JSON.stringify({ tool: name, taskId, stepId, args }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const text = await readCapped(res, MAX_RESPONSE_BYTES);
      if (text === null) return toolError('RESPONSE_TOO_LARGE', `response of tool \`${name}\` exceeds ${MAX_RESPONSE_BYTES} bytes`);
      if (!res.ok) return toolError('HTTP_STATUS', `tool \`${name}\` answered HTTP ${res.status}`);
      try {
        return { ok: true, result: text === '' ? null : (JSON.parse(text) as unknown) };
      } catch {
        return toolError('BAD_RESPONSE', `tool \`${name}\` answered with invalid JSON`);
      }
    } catch (e) {
      const n = (e as Error).name;
      if (n === 'TimeoutError' || n === 'AbortError') return toolError('TIMEOUT', `tool \`${name}\` timed out`);
      return toolError('HTTP_ERROR', `tool \`${name}\` could not be reached: ${(e as Error).message}`);
    }
  };
}
