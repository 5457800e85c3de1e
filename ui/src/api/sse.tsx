/**
 * @module GraphQL subscriptions over Server-Sent Events, read with fetch because EventSource cannot send
 * an Authorization header (and the key must not go into a URL, where logs would keep it).
 */
import { GRAPHQL_PATH } from './client.js';

export interface Subscription {
  close(): void;
}

/** Subscribe; `onData` gets each `data` payload, `onEnd` is called once when the stream stops for any reason. */
export function subscribe<T>(token: string, query: string, onData: (data: T) => void, onEnd: (error: boolean) => void, variables: Record<string, unknown> = {}): Subscription {
  const ctrl = new AbortController();
  void (async () => {
    let failed = false;
    try {
      const res = await fetch(GRAPHQL_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
        signal: ctrl.signal,
      });
      if (!res.ok || !res.body) throw new Error(`subscription refused: ${res.status}`);
      await readEvents(res.body, (payload) => {
        const msg = JSON.parse(payload) as { data?: T; errors?: unknown[] };
        if (msg.errors?.length) throw new Error('subscription error');
        if (msg.data) onData(msg.data);
      });
    } catch {
      failed = !ctrl.signal.aborted;
    }
    onEnd(failed);
  })();
  return { close: () => ctrl.abort() };
}

/** Split the stream into events and hand each `event: next` data block to `onPayload`. */
async function readEvents(body: ReadableStream<Uint8Array>, onPayload: (payload: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
      if (event === 'complete') return;
      const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
      if (data) onPayload(data);
    }
  }
}
