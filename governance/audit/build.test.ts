import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../lib/canonical-json.js';
import { buildAuditEvent } from './build.js';
import { AuditEventSchema, type AuditEventInput } from './schema.js';

const EVENT_ID = '6f1c1a52-8e3f-4c4e-9a43-2b8e1f0a9c11';
const base: AuditEventInput = {
  tenant: 'acme',
  taskId: 'task-1',
  stepId: 's1',
  type: 'tool.executed',
  actor: { kind: 'agent', id: 'agent-7' },
  at: '2026-11-25T20:00:00.000Z',
  data: { tool: 'http.get', args: { url: 'https://u:pw123@api.example.com', headers: { Authorization: 'Bearer abcdefghijklmnop' } } },
};

describe('buildAuditEvent', () => {
  it('validates, versions and redacts the data, and reports what was redacted', () => {
    const e = buildAuditEvent(base, { newId: () => EVENT_ID });
    expect(e).toEqual({
      schemaVersion: 1,
      eventId: EVENT_ID,
      tenant: 'acme',
      taskId: 'task-1',
      stepId: 's1',
      type: 'tool.executed',
      actor: { kind: 'agent', id: 'agent-7' },
      at: '2026-11-25T20:00:00.000Z',
      data: { tool: 'http.get', args: { url: 'https://u:[REDACTED]@api.example.com', headers: { Authorization: '[REDACTED:secret_field]' } } },
      redactions: [{ path: '$.args.url', kind: 'url_password' }, { path: '$.args.headers.Authorization', kind: 'secret_field' }],
    });
    expect(canonicalJson(e)).not.toContain('pw123');
    expect(canonicalJson(e)).not.toContain('abcdefghijklmnop');
    expect(AuditEventSchema.safeParse(e).success).toBe(true);
  });

  it('keeps a caller-supplied event id so retried activities write the same event', () => {
    const a = buildAuditEvent({ ...base, eventId: EVENT_ID });
    const b = buildAuditEvent({ ...base, eventId: EVENT_ID });
    expect(a).toEqual(b);
  });

  it('omits optional fields and the redaction report when there is nothing to say', () => {
    const e = buildAuditEvent({ tenant: 't', type: 'policy.published', actor: { kind: 'user', id: 'admin' }, at: '2026-11-25T20:00:00Z', data: { version: 'v2' } });
    expect(Object.keys(e).sort()).toEqual(['actor', 'at', 'data', 'eventId', 'schemaVersion', 'tenant', 'type']);
    expect(e.eventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['an unknown type', { type: 'task.exploded' }, 'type'],
    ['a non-ISO time', { at: 'yesterday' }, 'at'],
    ['an empty tenant', { tenant: '' }, 'tenant'],
    ['an unknown actor kind', { actor: { kind: 'robot', id: 'x' } }, 'actor.kind'],
    ['a malformed event id', { eventId: 'not-a-uuid' }, 'eventId'],
  ])('refuses %s with BAD_USER_INPUT naming the field', (_name, patch, field) => {
    expect(() => buildAuditEvent({ ...base, ...patch } as AuditEventInput)).toThrowError(
      expect.objectContaining({ code: 'BAD_USER_INPUT', issues: expect.arrayContaining([expect.objectContaining({ path: field })]) }),
    );
  });

  it('refuses an id source that yields a non-uuid', () => {
    expect(() => buildAuditEvent(base, { newId: () => 'nope' })).toThrowError(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});
