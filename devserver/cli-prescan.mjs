// @ts-check
/**
 * @module Dependency-free first look at argv, in plain JavaScript so the launcher can listen before
 * tsx loads: just the port, the ip and the request limit. cli.ts validates everything properly.
 */

/** @param {string[]} argv @param {string} name @returns {string | undefined} */
function flagValue(argv, name) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

/** @param {string[]} argv @returns {{ port: number; ip: string; maxRequestBytes?: number }} */
export function prescan(argv) {
  const bare = argv.length === 1 && /^\d+$/.test(argv[0] ?? '') ? argv[0] : undefined;
  const port = Number(flagValue(argv, 'port') ?? bare ?? 7233);
  const max = Number(flagValue(argv, 'max-request-bytes'));
  return {
    port: Number.isInteger(port) && port >= 0 && port <= 65535 ? port : 7233,
    ip: flagValue(argv, 'ip') || '127.0.0.1',
    ...(Number.isInteger(max) && max > 0 ? { maxRequestBytes: max } : {}),
  };
}
