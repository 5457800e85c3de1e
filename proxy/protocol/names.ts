/**
 * @module Exposed names. With one upstream, tool and prompt names pass through unchanged (the proxy
 * is transparent). With several, each is exposed as `<server>__<name>`: `__` is legal in MCP names,
 * survives clients that reject `/` or `.`, and server names may not contain it, so the split is unambiguous.
 */

export const NAME_SEPARATOR = '__';

export interface QualifiedName {
  server: string;
  name: string;
}

export function exposedName(server: string, name: string, multi: boolean): string {
  return multi ? `${server}${NAME_SEPARATOR}${name}` : name;
}

/** Split an exposed name; undefined when it names no configured server. */
export function resolveName(exposed: string, servers: readonly string[]): QualifiedName | undefined {
  if (servers.length === 1) return { server: servers[0]!, name: exposed };
  const i = exposed.indexOf(NAME_SEPARATOR);
  if (i <= 0) return undefined;
  const server = exposed.slice(0, i);
  return servers.includes(server) ? { server, name: exposed.slice(i + NAME_SEPARATOR.length) } : undefined;
}
