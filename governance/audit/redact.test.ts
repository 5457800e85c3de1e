import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../lib/canonical-json.js';
import { redact } from './redact.js';

const SECRETS = {
  interceptor_api_key: 'ik_' + 'Qm9vdHN0cmFwLXNlY3JldC1rZXktZm9yLXRlc3RzMDE',
  openai_key: 'sk-proj-A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6',
  aws_access_key: 'AKIAIOSFODNN7EXAMPLE',
  github_token: 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8',
  slack_token: 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp',
  jwt: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhZ2VudC0xIn0.c2lnbmF0dXJlLWJ5dGVzLWhlcmU',
} as const;

const PEM = ['-----BEGIN PRIVATE KEY-----', 'MC4CAQAwBQYDK2VwBCIEIBkzJ3tQzZ9zQwA4m1vUu8t8cDk6cYx0Lz8gQ2b5K9sX', '-----END PRIVATE KEY-----'].join('\n');

/** Every value in `secrets` must be gone from the canonical JSON of the redacted output. */
function expectNoneSurvive(out: unknown, secrets: readonly string[]): void {
  const text = canonicalJson(out);
  for (const s of secrets) expect(text, `secret \`${s}\` survived`).not.toContain(s);
}

describe('redact: secrets', () => {
  it.each(Object.entries(SECRETS))('replaces a %s inside free text with its marker', (kind, secret) => {
    const r = redact({ note: `use ${secret} for the call` });
    expect(r.value).toEqual({ note: `use [REDACTED:${kind}] for the call` });
    expect(r.redactions).toEqual([{ path: '$.note', kind }]);
  });

  it('replaces a bearer token and keeps the scheme', () => {
    const r = redact({ header: 'Bearer abcDEF123456.xyz-_~+/==' });
    expect(r.value).toEqual({ header: 'Bearer [REDACTED:bearer_token]' });
  });

  it('replaces a Basic credential that decodes to user:password but not prose', () => {
    const cred = Buffer.from('alice:hunter2').toString('base64');
    const r = redact({ h: `Basic ${cred}`, prose: 'Basic understanding of the system' });
    expect(r.value).toEqual({ h: 'Basic [REDACTED:basic_auth]', prose: 'Basic understanding of the system' });
  });

  it('replaces a PEM private key block, complete or truncated', () => {
    const r = redact({ key: `before\n${PEM}\nafter`, cut: '-----BEGIN RSA PRIVATE KEY-----\nMIIEow' });
    expect(r.value).toEqual({ key: 'before\n[REDACTED:private_key]\nafter', cut: '[REDACTED:private_key]' });
  });

  it('hides the password of a URL and keeps user and host', () => {
    const r = redact({ dsn: 'postgres://admin:s3cr3t@db.internal:5432/app', odd: 'redis://:p@ss@cache:6379' });
    expect(r.value).toEqual({ dsn: 'postgres://admin:[REDACTED]@db.internal:5432/app', odd: 'redis://:[REDACTED]@cache:6379' });
    expectNoneSurvive(r.value, ['s3cr3t', 'p@ss']);
  });

  it('replaces secrets in query strings and JSON inside strings', () => {
    const r = redact({ url: 'https://api.example.com/x?access_token=tok123456&q=1', body: '{"password":"hunter2","user":"bob"}' });
    expect(r.value).toEqual({
      url: 'https://api.example.com/x?access_token=[REDACTED:secret_param]&q=1',
      body: '{"password":"[REDACTED:secret_param]","user":"bob"}',
    });
  });

  it('replaces whole values under secret-named keys, whatever their shape', () => {
    const input = { password: 'hunter2', clientSecret: { v: 'x' }, 'x-api-key': 12345, access_token: 'plain', Authorization: 'Token abc', keep: 'visible', maxTokens: 100, hasToken: true, refreshToken: null };
    const r = redact(input);
    expect(r.value).toEqual({
      password: '[REDACTED:secret_field]', clientSecret: '[REDACTED:secret_field]', 'x-api-key': '[REDACTED:secret_field]',
      access_token: '[REDACTED:secret_field]', Authorization: '[REDACTED:secret_field]', keep: 'visible', maxTokens: 100, hasToken: true, refreshToken: null,
    });
    expect(r.redactions.map((e) => e.path).sort()).toEqual(['$.Authorization', '$.access_token', '$.clientSecret', '$.password', '$.x-api-key']);
  });

  it('honours extra secret key names', () => {
    expect(redact({ pin: '1234', other: '1234' }, { secretKeys: ['PIN'] }).value).toEqual({ pin: '[REDACTED:secret_field]', other: '1234' });
  });

  it('walks nested objects and arrays and reports JSON paths', () => {
    const input = { a: [{ b: { c: [`x ${SECRETS.openai_key}`] } }], d: [SECRETS.github_token] };
    const r = redact(input);
    expect(r.redactions).toEqual([{ path: '$.a[0].b.c[0]', kind: 'openai_key' }, { path: '$.d[0]', kind: 'github_token' }]);
    expectNoneSurvive(r.value, Object.values(SECRETS));
  });

  it('redacts secrets used as object keys without repeating them in the report', () => {
    const r = redact({ [SECRETS.openai_key]: 1, [SECRETS.github_token]: 2 });
    expect(Object.keys(r.value as object).sort()).toEqual(['[REDACTED:github_token]', '[REDACTED:openai_key]']);
    expectNoneSurvive(r, Object.values(SECRETS));
  });

  it('lets no secret of any kind survive in a mixed payload', () => {
    const everything = { ...SECRETS, nested: { list: Object.values(SECRETS).map((s) => `prefix ${s} suffix`), pem: PEM }, text: Object.values(SECRETS).join(' ') };
    const r = redact({ wrapper: everything });
    expectNoneSurvive(r.value, [...Object.values(SECRETS), 'MC4CAQAwBQYDK2VwBCIEIBkzJ3tQzZ9zQwA4m1vUu8t8cDk6cYx0Lz8gQ2b5K9sX']);
  });
});

describe('redact: PII', () => {
  it('masks emails, phones and Luhn-valid cards by default', () => {
    const r = redact({ t: 'mail jane.doe@example.com or call +1 (555) 123-4567, card 4111 1111 1111 1111' });
    expect(r.value).toEqual({ t: 'mail j***@example.com or call [phone:***4567], card [card:****1111]' });
    expect(r.redactions.map((e) => e.kind).sort()).toEqual(['card', 'email', 'phone']);
  });

  it('leaves a 16-digit number that fails the Luhn check', () => {
    expect(redact({ n: '4111 1111 1111 1112' }).value).toEqual({ n: '4111 1111 1111 1112' });
  });

  it('redacts a card number stored as a JSON number', () => {
    expect(redact({ n: 4111111111111111 }).value).toEqual({ n: '[card:****1111]' });
  });

  it('does not take dates, times, IP addresses, epoch timestamps or ids for phone numbers', () => {
    const text = 'at 2026-11-25 20:48:55 from 192.168.100.200 ts 1764100000 ms 1764100000000 id 123456789012 v1.24.0';
    expect(redact({ text }).value).toEqual({ text });
  });

  it('finds E.164 numbers without separators', () => {
    expect(redact({ p: 'reach me at +4915112345678.' }).value).toEqual({ p: 'reach me at [phone:***5678].' });
  });

  it('hashes PII deterministically so replay can correlate, with a key when one is given', () => {
    const a = redact({ e: 'Jane@Example.com' }, { piiMode: 'hash' }).value as { e: string };
    const b = redact({ e: 'jane@example.com' }, { piiMode: 'hash' }).value as { e: string };
    expect(a.e).toMatch(/^\[email:sha256:[0-9a-f]{8}\]$/);
    expect(a.e).toBe(b.e);
    const keyed = redact({ e: 'jane@example.com' }, { piiMode: 'hash', hashKey: 'k1' }).value as { e: string };
    expect(keyed.e).not.toBe(a.e);
    expect(redact({ e: 'john@example.com' }, { piiMode: 'hash' }).value).not.toEqual({ e: a.e });
  });

  it('redacts IBANs only when asked, and only valid ones', () => {
    const text = 'pay DE89 3704 0044 0532 0130 00 not DE00 3704 0044 0532 0130 00';
    expect(redact({ text }).value).toEqual({ text });
    expect(redact({ text }, { pii: ['iban'] }).value).toEqual({ text: 'pay [iban:DE**3000] not DE00 3704 0044 0532 0130 00' });
  });

  it('keeps PII when no PII kind is chosen but still redacts secrets', () => {
    expect(redact({ t: `jane@example.com ${SECRETS.aws_access_key}` }, { pii: [] }).value).toEqual({ t: 'jane@example.com [REDACTED:aws_access_key]' });
  });
});

describe('redact: structure and stability', () => {
  it('is idempotent: redacting the output again changes nothing and reports nothing', () => {
    const input = { ...SECRETS, pem: PEM, dsn: 'mysql://u:pw@h/db', password: 'x', t: 'jane@example.com +1 555 123 4567 4111111111111111', h: 'Bearer abcdefghijkl', q: 'token=abcdef' };
    for (const opts of [{}, { piiMode: 'hash' as const }, { pii: ['iban' as const, 'email' as const] }]) {
      const once = redact(input, opts);
      const twice = redact(once.value, opts);
      expect(twice.value).toEqual(once.value);
      expect(twice.redactions).toEqual([]);
    }
  });

  it('is deterministic', () => {
    const input = { a: SECRETS.jwt, b: 'jane@example.com' };
    expect(canonicalJson(redact(input, { piiMode: 'hash' }))).toBe(canonicalJson(redact(input, { piiMode: 'hash' })));
  });

  it('survives cycles and bounds depth', () => {
    const cyclic: Record<string, unknown> = { name: 'root' };
    cyclic.self = cyclic;
    expect(redact(cyclic).value).toEqual({ name: 'root', self: '[REDACTED:cycle]' });
    let deep: unknown = SECRETS.openai_key;
    for (let i = 0; i < 50; i++) deep = { d: deep };
    const r = redact(deep, { maxDepth: 10 });
    expect(canonicalJson(r.value)).toContain('[REDACTED:max_depth]');
    expectNoneSurvive(r.value, [SECRETS.openai_key]);
  });

  it('repeats a shared (non-cyclic) object instead of calling it a cycle', () => {
    const shared = { v: 1 };
    expect(redact({ a: shared, b: shared }).value).toEqual({ a: { v: 1 }, b: { v: 1 } });
  });

  it('turns non-JSON values into JSON and keeps __proto__ an ordinary key', () => {
    const input = JSON.parse('{"__proto__":{"polluted":true}}') as object;
    const r = redact({ d: new Date('2026-01-02T03:04:05Z'), f: () => 1, u: undefined, arr: [undefined, 1n], m: new Map([['k', 'v']]), e: new Error('boom'), p: input });
    expect(r.value).toEqual({ d: '2026-01-02T03:04:05.000Z', arr: [null, '1'], m: { k: 'v' }, e: { name: 'Error', message: 'boom' }, p: JSON.parse('{"__proto__":{"polluted":true}}') });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf((r.value as { p: object }).p)).toBe(Object.prototype);
  });

  it("keeps keys Object.prototype also holds as ordinary own data, even with Object.prototype's members read-only", () => {
    const input = { constructor: 'c', toString: 'password=hunter2', hasOwnProperty: 1, valueOf: { x: 'a.b@example.com' } };
    const expected = { constructor: 'c', toString: 'password=[REDACTED:secret_param]', hasOwnProperty: 1, valueOf: { x: 'a***@example.com' } };
    const plain = redact(input).value as Record<string, unknown>;
    expect(plain).toEqual(expected);
    for (const k of Object.keys(expected)) expect(Object.getOwnPropertyDescriptor(plain, k)).toMatchObject({ enumerable: true, writable: true });
    // why: an assignment to `toString` fails where Object.prototype's members are read-only (frozen intrinsics)
    const proto = Object.getOwnPropertyDescriptor(Object.prototype, 'toString')!;
    Object.defineProperty(Object.prototype, 'toString', { ...proto, writable: false });
    try {
      expect(redact({ toString: 'x' }).value).toEqual({ toString: 'x' });
    } finally {
      Object.defineProperty(Object.prototype, 'toString', proto);
    }
  });

  it('rejects invalid options with BAD_USER_INPUT', () => {
    expect(() => redact({}, { maxDepth: 0 })).toThrowError(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});

describe('redact: long inputs', () => {
  // why a bound so loose: it tells a linear scan (milliseconds) from a quadratic one (a 1 MB text of
  // links took ~17 s with a backtracking hint), not fast from slow.
  it.each([
    ['links', 'https://example.com/p '.repeat(48_000)],
    ['scheme separators', 'a://'.repeat(250_000)],
    ['digits and dashes', '12-34 '.repeat(170_000)],
    ['secret-looking names', 'token password auth '.repeat(50_000)],
  ])('redacts a megabyte of %s in linear time', (_name, text) => {
    const t0 = performance.now();
    const r = redact({ text });
    expect(typeof (r.value as { text: unknown }).text).toBe('string');
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});
