/**
 * @module String rules for redaction: a regex that finds candidates, an optional check that
 * confirms them (Luhn, IBAN mod-97, a Basic credential that decodes to `user:pass`) and the
 * replacement. Every rule uses named groups and is global; the order in SECRET_RULES matters
 * (a PEM block or a bearer header is replaced whole before the narrower token rules run).
 */

/** Named capture groups of one match. */
export type Groups = Record<string, string | undefined>;

export interface StringRule {
  kind: string;
  pattern: RegExp;
  /** The replacement, or null to leave this candidate alone (it failed a check or is already redacted). */
  replace: (match: string, groups: Groups) => string | null;
  /**
   * A cheap test every match of `pattern` passes (a literal it must contain, say): a text that fails
   * it is left alone without running the pattern. why: most audited strings (ids, digests, names)
   * match no rule, and running every pattern over each one was most of the cost of building a record.
   */
  hint?: RegExp;
}

/** The marker put in place of a secret. */
export const marker = (kind: string): string => `[REDACTED:${kind}]`;

const whole = (kind: string) => (): string => marker(kind);

/** True when the text is exactly a marker this module writes, so a second pass leaves it untouched. */
export function isRedactionMarker(text: string): boolean {
  return /^\[REDACTED(?::[a-z_]+)?\]$/.test(text) || /^\[(?:email|phone|card|iban):[^\]\s]{1,40}\]$/.test(text);
}

// why: a Basic credential is base64 of `user:password`; requiring the colon keeps prose such as
// "Basic understanding" from being redacted.
function isBasicCredential(b64: string): boolean {
  const decoded = Buffer.from(b64, 'base64').toString('latin1');
  return decoded.includes(':') && !decoded.includes('\uFFFD');
}

// why: no prefix group (`access_` in `access_token`): the name may follow `_` or `-`, which keeps the
// scan linear; a repeated prefix group backtracks quadratically on long `a_a_a_…` strings.
const SECRET_PARAM_NAMES = String.raw`(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|apikey|auth|authorization|credentials?)`;

export const SECRET_RULES: readonly StringRule[] = [
  {
    kind: 'private_key',
    // A truncated block (no END line) is redacted to the end of the string.
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    hint: /-----BEGIN /,
    replace: whole('private_key'),
  },
  {
    kind: 'url_password',
    // Greedy password up to the last `@` of the authority, so `p@ss` is not half-kept. Bounded
    // repetitions keep the scan linear on long inputs.
    pattern: /(?<prefix>(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s:/?#@[\]]{0,256}):(?<pass>[^\s/?#]{1,256})@/g,
    // why this class: user and password hold no whitespace, `/`, `?` or `#`, and the scan stops at the
    // first `@` or at the next `://` (which holds a `/`), so it stays linear on long texts full of links
    hint: /:\/\/[^\s/?#@]*@/,
    replace: (_m, g) => (g.pass === '[REDACTED]' ? null : `${g.prefix}:[REDACTED]@`),
  },
  {
    kind: 'bearer_token',
    pattern: /\b(?<scheme>[Bb]earer)\s+(?<tok>[A-Za-z0-9\-._~+/]{8,}=*)/g,
    hint: /[Bb]earer\s/,
    replace: (_m, g) => `${g.scheme} ${marker('bearer_token')}`,
  },
  {
    kind: 'basic_auth',
    pattern: /\b(?<scheme>[Bb]asic)\s+(?<cred>[A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])/g,
    hint: /[Bb]asic\s/,
    replace: (_m, g) => (isBasicCredential(g.cred ?? '') ? `${g.scheme} ${marker('basic_auth')}` : null),
  },
  {
    kind: 'jwt',
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}/g,
    hint: /eyJ/,
    replace: whole('jwt'),
  },
  { kind: 'interceptor_api_key', pattern: /(?<![A-Za-z0-9])ik_[A-Za-z0-9_-]{16,}/g, hint: /ik_/, replace: whole('interceptor_api_key') },
  { kind: 'openai_key', pattern: /(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{20,}/g, hint: /sk-/, replace: whole('openai_key') },
  {
    kind: 'aws_access_key',
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
    hint: /A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA)/,
    replace: whole('aws_access_key'),
  },
  {
    kind: 'github_token',
    pattern: /(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g,
    hint: /gh[pousr]_|github_pat_/,
    replace: whole('github_token'),
  },
  { kind: 'slack_token', pattern: /(?<![A-Za-z0-9])xox[abposre]-[A-Za-z0-9-]{10,}/g, hint: /xox[abposre]-/, replace: whole('slack_token') },
  {
    kind: 'secret_param',
    // `password=…`, `"api_key": "…"`, `token: …` inside free text, query strings and JSON-in-a-string.
    pattern: new RegExp(
      String.raw`(?<![A-Za-z0-9])(?<name>${SECRET_PARAM_NAMES})(?<q1>["']?)(?<sep>\s*[:=]\s*)(?<q2>["']?)(?!(?:[Bb]earer|[Bb]asic)\b)(?<value>[^\s"'&,;[\]{}][^\s"'&,;{}]*)`,
      'g',
    ),
    hint: new RegExp(String.raw`${SECRET_PARAM_NAMES}["']?\s*[:=]`),
    replace: (_m, g) => `${g.name}${g.q1}${g.sep}${g.q2}${marker('secret_param')}`,
  },
];

/** Object keys whose value is a secret whatever it looks like (compared lower-case, without `_` or `-`). */
export const SECRET_KEY_SUFFIXES: readonly string[] = [
  'password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'apikey', 'authorization',
  'privatekey', 'privatejwk', 'accesskey', 'credential', 'credentials', 'cookie', 'sessionid',
];

/** True when a property name says its value is a secret (`password`, `clientSecret`, `x-api-key`, `access_token`). */
export function isSecretKey(key: string, extra: readonly string[] = []): boolean {
  const n = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_KEY_SUFFIXES.some((s) => n.endsWith(s)) || extra.some((e) => n === e.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/** Run one rule over a text, reporting one entry per replaced candidate. */
export function applyRule(text: string, rule: StringRule, report: (kind: string) => void): string {
  if (rule.hint && !rule.hint.test(text)) return text;
  rule.pattern.lastIndex = 0;
  return text.replace(rule.pattern, (...args: unknown[]) => {
    const match = args[0] as string;
    const groups = (typeof args[args.length - 1] === 'object' ? args[args.length - 1] : {}) as Groups;
    const out = rule.replace(match, groups ?? {});
    if (out === null || out === match) return match;
    report(rule.kind);
    return out;
  });
}
