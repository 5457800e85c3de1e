import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from './index.js';

describe('the decision poll wait', () => {
  it('leaves no listener on a long-lived signal once a wait ends, and still rejects when the signal aborts', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 50; i++) await sleep(0, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow('the call was cancelled');
    await expect(sleep(1, controller.signal)).rejects.toThrow('the call was cancelled');
  });
});
