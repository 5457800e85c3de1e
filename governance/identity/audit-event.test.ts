import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../lib/canonical-json.js';
import { buildAuditEvent } from '../audit/build.js';
import { verificationAuditEvent } from './audit-event.js';
import { issueAgentCredential } from './issue.js';
import { AUD, ISS, T0, ctx, fixture, type Fixture } from './test-helpers.js';
import { verifyAgentCredential } from './verify.js';

let f: Fixture;
let token: string;
beforeAll(async () => {
  f = await fixture();
  ({ token } = await issueAgentCredential({ agentId: 'agent-1', tenant: 'acme', capabilities: ['docs.read'], ttlSeconds: 60, audience: AUD, issuer: ISS, now: T0, jti: 'j-1' }, f.ring));
});

describe('verificationAuditEvent', () => {
  it('records an accepted credential with the agent as actor', async () => {
    const input = verificationAuditEvent(await verifyAgentCredential(token, ctx(f.ring)), { tenant: 'acme', now: T0, channel: 'graphql', taskId: 'task-1' });
    const e = buildAuditEvent(input);
    expect(e).toMatchObject({ type: 'identity.verified', tenant: 'acme', taskId: 'task-1', actor: { kind: 'agent', id: 'agent-1' }, at: T0.toISOString() });
    expect(e.data).toMatchObject({ channel: 'graphql', agentId: 'agent-1', credentialId: 'j-1', keyId: f.record.kid, capabilities: ['docs.read'] });
  });

  it('records a refusal with its code, never the token, and keeps unverified claims apart from the actor', async () => {
    const r = await verifyAgentCredential(token, ctx(f.ring, { expectedTenant: 'globex' }));
    const e = buildAuditEvent(verificationAuditEvent(r, { tenant: 'globex', now: T0 }));
    expect(e).toMatchObject({ type: 'identity.rejected', tenant: 'globex', actor: { kind: 'system', id: 'identity-verifier' } });
    expect(e.data).toMatchObject({ code: 'WRONG_TENANT', unverified: { sub: 'agent-1', tenant: 'acme', jti: 'j-1' } });
    expect(canonicalJson(e)).not.toContain(token.split('.')[2]!);
  });
});
