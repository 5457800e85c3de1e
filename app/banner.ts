/** @module What `npm start` prints once everything is up: where things are and a first request to paste. */
import type { DemoSecrets } from './seed.js';

export const FIRST_PLAN = {
  steps: [
    { stepId: 'customers', tool: 'run_sql', args: { query: 'SELECT name, tier FROM customers ORDER BY id' } },
    {
      stepId: 'notify',
      tool: 'send_email',
      args: { to: 'partner@partner.example.org', subject: 'Customer tiers', body: 'The customer tier list is ready.' },
    },
  ],
};

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function firstRequest(url: string, token: string): string {
  const body = JSON.stringify({
    query: 'mutation($input: SubmitTaskInput!) { submitTask(input: $input) { id status steps { stepId tool state decision reasons { code message } approval { id status } } } }',
    variables: { input: { goal: 'Tell a partner about customer tiers', plan: FIRST_PLAN } },
  });
  return [`curl -s ${url} \\`, `  -H 'content-type: application/json' \\`, `  -H ${shellQuote(`authorization: Bearer ${token}`)} \\`, `  --data ${shellQuote(body)}`].join('\n');
}

export function approveRequest(url: string, key: string): string {
  const body = JSON.stringify({ query: '{ pendingApprovals { id tool args stepId canDecide whyNot risk { level } } }' });
  return [`curl -s ${url} \\`, `  -H 'content-type: application/json' \\`, `  -H ${shellQuote(`authorization: Bearer ${key}`)} \\`, `  --data ${shellQuote(body)}`].join('\n');
}

export interface BannerInput {
  url: string;
  temporal: string;
  database: string;
  adminToken: { token: string; shown: boolean; path?: string };
  demo: DemoSecrets;
}

export function banner(b: BannerInput): string {
  const admin = b.adminToken.shown
    ? `admin token (shown once, also in ${b.adminToken.path}): ${b.adminToken.token}`
    : `admin token: ${b.adminToken.path ? `in ${b.adminToken.path}` : 'from INTERCEPTOR_ADMIN_TOKEN'}`;
  return [
    '',
    `Interceptor is running: ${b.url} (GraphiQL in a browser)`,
    `  Replay Audit UI: ${b.url.replace(/\/graphql$/, '/ui')} (sign in with the approver key below)`,
    `  temporal: ${b.temporal}   database: ${b.database}`,
    `  ${admin}`,
    `  demo agent ${b.demo.agentId} (tenant demo); approver key ${b.demo.approverKeyId}; secrets in demo.json of the data directory`,
    '',
    'Submit a first task as the demo agent:',
    firstRequest(b.url, b.demo.agentToken),
    '',
    'Then, as the demo approver, see what waits for a decision:',
    approveRequest(b.url, b.demo.approverKey),
    '',
  ].join('\n');
}
