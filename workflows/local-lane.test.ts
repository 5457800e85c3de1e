import { describe, expect, it } from 'vitest';
import { LocalLane } from './local-lane.js';

describe('LocalLane', () => {
  it('runs calls one at a time in the order asked, whatever order they would finish in', async () => {
    const lane = new LocalLane();
    const log: string[] = [];
    let running = 0;
    const call = (name: string, ms: number) => lane.run(async () => {
      running++;
      log.push(`start ${name} (${running} running)`);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      log.push(`end ${name}`);
      return name;
    });
    const results = await Promise.all([call('a', 30), call('b', 1), call('c', 10)]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a (1 running)', 'end a', 'start b (1 running)', 'end b', 'start c (1 running)', 'end c']);
  });

  it('keeps going after a call fails, and hands the failure to its caller', async () => {
    const lane = new LocalLane();
    const failed = lane.run(() => Promise.reject(new Error('boom')));
    const after = lane.run(async () => 'after');
    await expect(failed).rejects.toThrow('boom');
    await expect(after).resolves.toBe('after');
  });
});
