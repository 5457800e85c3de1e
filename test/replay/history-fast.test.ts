/**
 * The direct paths of history reading must match what they replace: payloads decode as the SDK's
 * converter decodes them, JSON payloads encode as it encodes them, times read as Date reads them,
 * and the history digest is the one replay/reconstruct/digest.ts defines.
 */
import { createHash } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readHistory, toIso } from '../../replay/history/events.js';
import { historyFromPlainJson } from '../../replay/history/from-json.js';
import { decodePayload, jsonPayload } from '../../replay/history/payloads.js';
import { PayloadBytes } from '../../replay/reconstruct/digest.js';
import { readMarkerData } from '../../replay/reconstruct/facts.js';
import { historyDigestOf, reconstruct } from '../../replay/reconstruct/index.js';
import { governedHistory, SCENARIOS } from './scenarios.js';

const b64 = (s: string | Uint8Array): string => Buffer.from(s).toString('base64');
const JSON_ENC = b64('json/plain');

/** The converter's answer for a JSON-spelled payload: what decodePayload did for every payload before. */
function viaConverter(p: { metadata?: Record<string, string>; data?: string }): unknown {
  try {
    const metadata = Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]));
    return { ok: true, value: defaultPayloadConverter.fromPayload(p.data === undefined ? { metadata } : { metadata, data: new Uint8Array(Buffer.from(p.data, 'base64')) }) };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

describe('payload decoding', () => {
  it('decodes any JSON value as the converter does, in both spellings', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.boolean(), (v, proto) => {
      const p = { metadata: { encoding: JSON_ENC }, data: b64(JSON.stringify(v)) };
      const spelled = proto ? { metadata: { encoding: new Uint8Array(Buffer.from('json/plain')) }, data: new Uint8Array(Buffer.from(JSON.stringify(v))) } : p;
      expect(decodePayload(spelled)).toEqual(viaConverter(p));
    }), { numRuns: 500 });
  });

  it.each([
    ['unicode and astral text', { metadata: { encoding: JSON_ENC }, data: b64('{"t":"é – 😀 \\u2028"}') }],
    ['a byte order mark', { metadata: { encoding: JSON_ENC }, data: b64(new Uint8Array([0xef, 0xbb, 0xbf, 0x31])) }],
    ['invalid UTF-8 inside a string', { metadata: { encoding: JSON_ENC }, data: b64(new Uint8Array([0x22, 0xff, 0xfe, 0x22])) }],
    ['text that is not JSON', { metadata: { encoding: JSON_ENC }, data: b64('{nope') }],
    ['no data', { metadata: { encoding: JSON_ENC } }],
    ['empty data', { metadata: { encoding: JSON_ENC }, data: '' }],
    ['binary/null', { metadata: { encoding: b64('binary/null') } }],
    ['binary/plain', { metadata: { encoding: b64('binary/plain') }, data: 'AAEC' }],
    ['an unknown encoding', { metadata: { encoding: b64('json/protobuf') }, data: 'AAEC' }],
    ['no metadata', { data: b64('1') }],
  ])('decodes a payload with %s as the converter does', (_name, p) => {
    expect(decodePayload(p)).toEqual(viaConverter(p as never));
  });

  it('encodes JSON payloads byte for byte as the converter does', () => {
    fc.assert(fc.property(fc.oneof(fc.jsonValue(), fc.constantFrom('\uD800', 'é😀', -0)), (v) => {
      const p = defaultPayloadConverter.toPayload(v);
      expect(jsonPayload(v)).toEqual({ metadata: { encoding: b64(p.metadata!.encoding!) }, data: b64(p.data!) });
    }), { numRuns: 500 });
    expect(jsonPayload(undefined)).toEqual({ metadata: { encoding: b64('binary/null') } });
  });
});

describe('toIso', () => {
  const viaDate = (s: string): string | undefined => (Number.isNaN(Date.parse(s)) ? undefined : new Date(Date.parse(s)).toISOString());

  it('reads any instant written in the canonical form as Date does', () => {
    fc.assert(fc.property(fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (d) => {
      const s = d.toISOString();
      expect(toIso(s)).toBe(viaDate(s));
    }), { numRuns: 1000 });
  });

  it.each(['2026-02-30T00:00:00.000Z', '2024-02-29T10:00:00.000Z', '2100-02-29T10:00:00.000Z', '2000-02-29T10:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-11-20T24:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-11-20T10:00:00.123456789Z', '2026-11-20T10:00:00Z', '2026-11-20T11:00:00.000+01:00', 'not a time'])('reads %s as Date does', (s) => {
    expect(toIso(s)).toBe(viaDate(s));
  });
});

const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();

/** The digest as replay/reconstruct/digest.ts defines it: SHA-256 of (SHA-256 of the lines ‖ SHA-256 of the payload bytes). */
const digestOf = (lines: string[], bytes: Buffer[]): string => createHash('sha256').update(sha256(Buffer.from(lines.join('')))).update(sha256(Buffer.concat(bytes))).digest('hex');

describe('history digest', () => {
  it.each(Object.keys(SCENARIOS))('hashes one JSON line per event and the payload bytes, for %s', (name) => {
    const h = governedHistory(SCENARIOS[name]!);
    const r = reconstruct(h);
    // recompute it the way it is defined, from the events and the content each contributed
    const bytes: Buffer[] = [];
    const payload = (p: { metadata: { encoding: string }; data?: string }) => {
      const data = Buffer.from(p.data ?? '', 'base64');
      bytes.push(data);
      return { encoding: Buffer.from(p.metadata.encoding, 'base64').toString('utf8'), bytes: data.length };
    };
    const lines = h.events.map((e) => {
      const attrs = Object.entries(e).find(([k]) => k.endsWith('Attributes'))![1] as Record<string, unknown>;
      const content: unknown[] = [];
      for (const k of ['input', 'result'] as const) {
        const list = (attrs[k] as { payloads?: Array<{ metadata: { encoding: string }; data?: string }> } | undefined)?.payloads;
        if (e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED' && k === 'input') content.push(attrs.signalName);
        if (list?.length) content.push(payload(list[0]!));
      }
      if (e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_STARTED') content.push(attrs.attempt);
      if (e.eventType === 'EVENT_TYPE_MARKER_RECORDED') {
        const details = attrs.details as Record<string, { payloads: Array<{ metadata: { encoding: string }; data?: string }> }>;
        content.push(payload(details.data!.payloads[0]!), payload(details.result!.payloads[0]!));
      }
      const type = String(e.eventType).slice('EVENT_TYPE_'.length).toLowerCase().replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
      return `${JSON.stringify([Number(e.eventId), type, e.eventTime, content.length ? content : null])}\n`;
    });
    expect(r.historyDigest).toBe(digestOf(lines, bytes));
  });

  it('is the same for a history as proto objects (bytes) and as JSON (base64), large payloads included', () => {
    for (const h of [governedHistory(SCENARIOS.approved!), governedHistory({ taskId: 'big', steps: Array.from({ length: 400 }, (_, i) => ({ stepId: `s${i}`, tool: 'read_file', args: { path: `${i}.txt` }, verdict: 'ALLOW' as const })) })]) {
      expect(reconstruct(historyFromPlainJson(h)).historyDigest).toBe(reconstruct(h).historyDigest);
    }
  });

  it('is what historyDigestOf gives for the same events and content', () => {
    const { events } = readHistory(governedHistory(SCENARIOS.allowed!));
    const content = new Map<number, unknown[]>([[events[1]!.id, [new PayloadBytes('json/plain', Buffer.from('{"a":"é"}')), 3, 'why "quoted"']]]);
    const lines = events.map((e) => `${JSON.stringify([e.id, e.type, e.at ?? null, content.has(e.id) ? [{ encoding: 'json/plain', bytes: 10 }, 3, 'why "quoted"'] : null])}\n`);
    expect(historyDigestOf(events, content)).toBe(digestOf(lines, [Buffer.from('{"a":"é"}')]));
  });
});

describe('local activity marker data', () => {
  const fields = (v: unknown) => {
    const o = v as { attempt?: unknown; activity_id?: unknown; activity_type?: unknown };
    return { attempt: o.attempt, activity_id: o.activity_id, activity_type: o.activity_type };
  };
  const readOrError = (f: () => unknown): unknown => {
    try {
      return fields(f());
    } catch {
      return 'error';
    }
  };
  const time = fc.option(fc.record({ seconds: fc.nat(), nanos: fc.nat({ max: 999_999_999 }) }), { nil: null });
  const data = fc.record({ seq: fc.nat(), attempt: fc.nat(), activity_id: fc.string(), activity_type: fc.string({ unit: 'binary' }), complete_time: time, backoff: time, original_schedule_time: time });

  it('reads the fields the record uses as JSON.parse reads them, for the core\'s shape', () => {
    fc.assert(fc.property(data, (d) => {
      const text = JSON.stringify(d);
      expect(fields(readMarkerData(text))).toEqual(fields(JSON.parse(text)));
    }), { numRuns: 2000 });
  });

  it('agrees with JSON.parse on texts near that shape, invalid ones included', () => {
    const near = fc.tuple(data, fc.nat(), fc.constantFrom('', ' ', '0', '"', '\\', '}', ',', '-1', '\u0001', 'x')).map(([d, at, ins]) => {
      const text = JSON.stringify(d);
      const i = at % (text.length + 1);
      return text.slice(0, i) + ins + text.slice(i);
    });
    fc.assert(fc.property(near, (text) => {
      expect(readOrError(() => readMarkerData(text))).toEqual(readOrError(() => JSON.parse(text)));
    }), { numRuns: 3000 });
    expect(readOrError(() => readMarkerData('{"seq":1,"attempt":02,"activity_id":"1","activity_type":"x","complete_time":null,"backoff":null,"original_schedule_time":null}'))).toBe('error');
    expect(fields(readMarkerData('{"seq":1,"attempt":2,"activity_id":"1","activity_type":"a\\u0073sess","complete_time":null,"backoff":null,"original_schedule_time":null}'))).toEqual({ attempt: 2, activity_id: '1', activity_type: 'assess' });
  });
});
