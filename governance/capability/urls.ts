/**
 * @module URL argument checks: WHATWG parsing (as fetch will read it), http(s) only, no user info,
 * and a prefix match on scheme, exact host, port and path segments against the tool's allowlist.
 */

/** Why `raw` is refused for `allowlist`, or undefined when an allowlist entry covers it. */
export function urlProblem(raw: string, allowlist: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `uses scheme \`${url.protocol.replace(/:$/, '')}\`, only http and https are allowed`;
  if (url.username !== '' || url.password !== '') return 'contains user info (`user@host`), which hides the real host';
  // why: servers may decode %2e, %2f and %5c after our check and walk out of the allowed path
  if (/%(2e|2f|5c)/i.test(url.pathname)) return 'encodes `.`, `/` or `\\` in its path';
  if (allowlist.length === 0) return 'cannot be checked: the tool has no URL allowlist';
  return allowlist.some((entry) => covers(entry, url)) ? undefined : `is not under an allowlisted prefix (${allowlist.map((a) => `\`${a}\``).join(', ')})`;
}

function covers(entry: string, url: URL): boolean {
  let allowed: URL;
  try {
    allowed = new URL(entry);
  } catch {
    return false; // an unparseable entry allows nothing
  }
  // INVARIANT: hosts compare exactly after WHATWG normalisation (lowercase, punycode, IPv4 canonical
  // form), so `allowed.com.evil.com`, `allowed.com.` or `0x7f.1` never match `allowed.com` or 127.0.0.1
  if (allowed.protocol !== url.protocol || allowed.hostname !== url.hostname || allowed.port !== url.port) return false;
  const prefix = allowed.pathname;
  if (prefix === '/' || url.pathname === prefix) return true;
  const boundary = prefix.endsWith('/') ? prefix : `${prefix}/`;
  return url.pathname.startsWith(boundary);
}
