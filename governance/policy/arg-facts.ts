/**
 * @module Facts a policy can test on arbitrary JSON arguments without seeing their structure:
 * argument names, every string value, and the e-mail domains and URL hosts mentioned anywhere.
 */

export interface ArgFacts {
  names: string[];
  strings: string[];
  emailDomains: string[];
  urlHosts: string[];
}

// why bounded: arguments are validated for depth before policy runs, but evaluate() must stay
// total on any input, including cyclic objects handed in by mistake
const MAX_DEPTH = 64;
const EMAIL = /[A-Za-z0-9._%+'-]+@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)/g;
const URL_TOKEN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

export function argFacts(args: Readonly<Record<string, unknown>>): ArgFacts {
  const strings = new Set<string>();
  collectStrings(args, 0, strings, new Set());
  const emailDomains = new Set<string>();
  const urlHosts = new Set<string>();
  for (const s of strings) {
    if (s.includes('@')) for (const m of s.matchAll(EMAIL)) emailDomains.add((m[1] ?? '').toLowerCase());
    if (s.includes('://')) for (const m of s.matchAll(URL_TOKEN)) addHost(m[0], urlHosts);
  }
  return { names: Object.keys(args), strings: [...strings], emailDomains: [...emailDomains], urlHosts: [...urlHosts] };
}

function collectStrings(value: unknown, depth: number, out: Set<string>, seen: Set<object>): void {
  if (typeof value === 'string') {
    out.add(value);
    return;
  }
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || seen.has(value)) return;
  seen.add(value);
  const items = Array.isArray(value) ? value : Object.values(value);
  for (const item of items) collectStrings(item, depth + 1, out, seen);
}

function addHost(token: string, out: Set<string>): void {
  try {
    const host = new URL(token).hostname.toLowerCase();
    if (host !== '') out.add(host);
  } catch {
    // not a URL after all: nothing to add
  }
}
