import { describe, expect, it } from 'vitest';
import { ChangeFeed } from './change-feed.js';

describe('ChangeFeed', () => {
  it('polls again when a poke arrives while a poll runs, so a change made meanwhile is not left for the next interval', async () => {
    const feed = new ChangeFeed(60_000, { warn: () => undefined });
    let state = 'a';
    let release: (() => void) | undefined;
    const poll = async () => {
      const seen = state;
      if (seen === 'b') await new Promise<void>((r) => (release = r)); // this read happened before the change to `c`
      return seen;
    };
    const stream = feed.watch('t', poll, (s) => s);
    const got: string[] = [];
    const reading = (async () => {
      for await (const s of stream) {
        got.push(s);
        if (s === 'c') break;
      }
    })();
    await new Promise((r) => setTimeout(r, 10));
    state = 'b';
    feed.poke('t'); // a poll starts, reads `b`, and is slow to finish
    await new Promise((r) => setTimeout(r, 10));
    state = 'c';
    feed.poke('t'); // arrives while that poll runs
    release!();
    await reading;
    expect(got).toEqual(['a', 'b', 'c']);
    feed.close();
  });
});
