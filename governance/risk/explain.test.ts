import { describe, expect, it } from 'vitest';
import type { RiskAssessment } from '../types.js';
import { explainDecision } from './index.js';

const risk: RiskAssessment = {
  score: 65,
  level: 'high',
  factors: [
    { code: 'SIDE_EFFECT', weight: 20, explanation: 'the tool `send_email` has external side effects' },
    { code: 'TAINTED_INPUT', weight: 15, explanation: 'the step consumes data from untrusted or external sources: `tool_output:http.get#fetch`' },
    { code: 'TAINTED_SINK', weight: 20, explanation: 'untrusted data reaches `send_email`, a tool whose effects leave the system or cannot be undone' },
    { code: 'UNTRUSTED_ARGUMENT', weight: 10, explanation: 'argument `to` derives from untrusted tool output of step `fetch`' },
  ],
};

describe('explainDecision', () => {
  it('explains a denial with the policy and the three heaviest factors', () => {
    const text = explainDecision('DENY', [{ code: 'POLICY_FORBID', message: 'external email to addresses from untrusted data is forbidden.', policyId: 'no-tainted-email' }], risk);
    expect(text).toBe(
      'Denied: external email to addresses from untrusted data is forbidden (policy `no-tainted-email`). ' +
        'Risk is high (65/100): the tool `send_email` has external side effects; untrusted data reaches `send_email`, a tool whose effects leave the system or cannot be undone; ' +
        'the step consumes data from untrusted or external sources: `tool_output:http.get#fetch`; and 1 more factor.',
    );
  });

  it.each([
    ['ALLOW', 'Allowed: no rule objected. Risk is low (0/100): no risk factors were found.'],
    ['DENY', 'Denied: no rule permitted it, and the default is to deny. Risk is low (0/100): no risk factors were found.'],
    ['REQUIRE_APPROVAL', 'Held for approval: a person must confirm it before it runs. Risk is low (0/100): no risk factors were found.'],
  ] as const)('explains %s without reasons', (decision, expected) => {
    expect(explainDecision(decision, [], { score: 0, level: 'low', factors: [] })).toBe(expected);
  });

  it('joins several reasons in order', () => {
    const text = explainDecision('REQUIRE_APPROVAL', [{ code: 'A', message: 'payments over 100 USD need approval', policyId: 'pay' }, { code: 'B', message: 'the step is tainted' }], { score: 30, level: 'medium', factors: [] });
    expect(text).toMatch(/^Held for approval: payments over 100 USD need approval \(policy `pay`\); the step is tainted\. Risk is medium \(30\/100\)/);
  });
});
