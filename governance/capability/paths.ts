/**
 * @module Path argument checks: pure string rules, applied before the sandboxed tool resolves the
 * path itself (tools/sandbox-files.ts re-checks after resolving symlinks). A path must be relative,
 * plain and inside the sandbox in every reading a later layer might apply (URL-decoding, Unicode
 * compatibility folding, Windows separators).
 */

const MAX_DECODE_ROUNDS = 3;

/** Why `path` is refused, or undefined when it is a plain relative path. */
export function pathProblem(path: string): string | undefined {
  if (path === '') return 'is empty';
  for (const candidate of readings(path)) {
    const problem = plainPathProblem(candidate);
    if (problem) return candidate === path ? problem : `${problem} once decoded (\`${candidate.slice(0, 80)}\`)`;
  }
  return undefined;
}

/** The path as given, URL-decoded up to three times, and NFKC-folded (fullwidth `．．／` becomes `../`). */
function readings(path: string): string[] {
  const out = [path];
  let current = path;
  for (let i = 0; i < MAX_DECODE_ROUNDS && /%[0-9a-f]{2}/i.test(current); i++) {
    try {
      current = decodeURIComponent(current);
    } catch {
      break; // a malformed escape is caught below by the `%` rule on the raw path
    }
    out.push(current);
  }
  for (const p of [...out]) {
    const folded = p.normalize('NFKC');
    if (folded !== p) out.push(folded);
  }
  return out;
}

function plainPathProblem(p: string): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(p)) return 'contains a control character';
  if (p.includes('\\')) return 'contains a backslash';
  if (p.startsWith('/')) return 'is absolute';
  if (/^[A-Za-z]:/.test(p)) return 'has a drive letter';
  if (p.startsWith('~')) return 'refers to a home directory';
  if (/%[0-9a-f]{2}/i.test(p) || /%(?![0-9a-f]{2})/i.test(p)) return 'contains percent-encoding';
  const segments = p.split('/');
  for (const s of segments) {
    // why trailing dots/spaces: Windows strips them, so `.. ` and `...` can act as `..`
    if (/^[.\s]+$/.test(s) && s !== '.') return 'contains a `..` segment';
    if (s.startsWith('$') || s.includes('${')) return 'contains a variable reference';
  }
  if (segments.some((s) => s === '')) return 'contains an empty segment';
  return undefined;
}
