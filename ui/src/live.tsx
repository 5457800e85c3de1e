/** @module A GraphQL subscription held open while a component is mounted, re-opened after the stream drops. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { subscribe } from './api/sse.js';
import { coalesce } from './coalesce.js';
import { useSession } from './session.js';

/** Wait before re-subscribing after the stream ends (server restart, network change). */
const RESUBSCRIBE_MS = 5_000;
/**
 * Payloads closer together than this are delivered as one (the latest, at the end of the gap). why:
 * every screen reloads on a payload, and a busy tenant's feed would otherwise spend the key's API
 * rate limit on reloads.
 */
const COALESCE_MS = 250;

/**
 * Subscribe to `query` with `variables` (null: do not subscribe) and call `onData` for its payloads
 * (at most one every COALESCE_MS, the latest; the first at once);
 * returns whether the stream is open now. With `reopen: 'on-error'` a stream that ends cleanly (e.g.
 * `taskEvents` when the task finishes) stays closed; `'always'` suits endless feeds such as `approvalRequests`.
 */
export function useSubscription<T>(query: string, variables: Record<string, unknown> | null, onData: (data: T) => void, reopen: 'always' | 'on-error' = 'always'): boolean {
  const { client } = useSession();
  const [live, setLive] = useState(false);
  const handler = useRef(onData);
  handler.current = onData;
  const key = variables === null ? null : JSON.stringify(variables);
  useEffect(() => {
    if (key === null) return;
    let closed = false;
    let sub: { close(): void } | null = null;
    let timer = 0;
    const payloads = coalesce<T>((d) => handler.current(d), COALESCE_MS, {
      now: () => Date.now(),
      setTimeout: (fn, ms) => window.setTimeout(fn, ms),
      clearTimeout: (id) => window.clearTimeout(id),
    });
    const connect = () => {
      setLive(true);
      sub = subscribe<T>(client.token, query, (d) => payloads.push(d), (failed) => {
        setLive(false);
        if (!closed && (failed || reopen === 'always')) timer = window.setTimeout(connect, RESUBSCRIBE_MS);
      }, JSON.parse(key) as Record<string, unknown>);
    };
    connect();
    return () => {
      closed = true;
      window.clearTimeout(timer);
      payloads.cancel();
      sub?.close();
    };
  }, [client, query, key, reopen]);
  return live;
}
