import { describe, expect, it } from 'vitest';
import { parseServeArgs, splitCommand } from './cli-args.js';

const base = ['--jwks', 'keys.json'];

describe('proxy arguments', () => {
  it('reads a single unnamed command upstream as `default`, local mode, default listen', () => {
    const a = parseServeArgs([...base, '--upstream', 'npx -y "@scope/server x" --flag']);
    expect(a.upstreams).toEqual([{ name: 'default', kind: 'stdio', command: 'npx', args: ['-y', '@scope/server x', '--flag'] }]);
    expect(a.resolvedMode).toBe('local');
    expect(a.timeout).toBe(30_000);
    expect(a['audit-sync']).toBe('always');
    expect(parseServeArgs([...base, '--upstream', 'x', '--audit-sync', 'batched'])['audit-sync']).toBe('batched');
    expect(() => parseServeArgs([...base, '--upstream', 'x', '--audit-sync', 'sometimes'])).toThrow(/audit-sync/);
  });

  it('reads named URL and command upstreams and defaults to durable mode with --api', () => {
    const a = parseServeArgs([...base, '--upstream', 'gh=https://example.test/mcp', '--upstream', 'fs=node fs.js', '--api', 'http://127.0.0.1:4000/graphql', '--listen', '0.0.0.0:9000']);
    expect(a.upstreams.map((u) => [u.name, u.kind])).toEqual([['gh', 'http'], ['fs', 'stdio']]);
    expect(a.resolvedMode).toBe('durable');
    expect(a.listen).toEqual({ host: '0.0.0.0', port: 9000 });
  });

  it.each([
    [['--upstream', 'x'], /`jwks`/],
    [[...base], /at least one `--upstream`/],
    [[...base, '--upstream', 'a', '--upstream', 'b'], /name every upstream/],
    [[...base, '--upstream', 'a__b=x'], /single `_`/],
    [[...base, '--upstream', 'a=x', '--upstream', 'a=y'], /unique/],
    [[...base, '--upstream', 'x', '--stdio', '--listen', '127.0.0.1:1'], /not both/],
    [[...base, '--upstream', 'x', '--mode', 'durable'], /needs `--api`/],
    [[...base, '--upstream', 'x', '--listen', 'nohost'], /`listen`/],
    [[...base, '--upstream', 'x', '--timeout', 'soon'], /`timeout`/],
    [[...base, '--upstream', 'x', '--bogus'], /bogus/],
  ])('refuses %j naming the problem', (argv, message) => {
    expect(() => parseServeArgs(argv as string[])).toThrow(message);
  });

  it('splits quotes and refuses an unclosed one', () => {
    expect(splitCommand(`a 'b c' "" d`)).toEqual(['a', 'b c', '', 'd']);
    expect(() => splitCommand('a "b')).toThrow(/unclosed quote/);
  });
});
