/**
 * Records real governed-task histories from the running product into test/fixtures/histories/
 * (run: npx tsx test/replay/record-real.ts [prefix]). Starts `bin/interceptor start` on temporary ports
 * and data, drives it over GraphQL, fetches each history with the Temporal client, stops the process.
 * The prefix names a generation of the workflow code: `real` (before any patch), `parallel`
 * (parallel-governance-1), `lane` (local-activities-in-order-1); each must keep replaying.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { historyToPlainJson } from '../../replay/history/to-json.js';
import { ADMIN_TOKEN, eventually, freePort, gqlOk } from '../e2e/stack.js';

const BIN = fileURLToPath(new URL('../../bin/interceptor', import.meta.url));
const OUT = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const PREFIX = process.argv[2] ?? 'real';
const plan = (steps: unknown[]) => ({ planId: `p-${Math.random().toString(36).slice(2)}`, goal: 'recorded', steps });

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'interceptor-rec-'));
  const [port, temporalPort] = [await freePort(), await freePort()];
  const env = { ...process.env, PORT: String(port), TEMPORAL_PORT: String(temporalPort), INTERCEPTOR_DATA_DIR: dataDir, INTERCEPTOR_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'warn', APPROVAL_TIMEOUT: '6s' } as NodeJS.ProcessEnv;
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok && log.includes('graphql'), 120_000, 'the stack');
    const reg = await gqlOk<{ registerAgent: { agent: { id: string }; credential: { token: string } } }>(url, ADMIN_TOKEN, `mutation($i: RegisterAgentInput!) { registerAgent(input: $i) { agent { id } credential { token } } }`, { i: { name: 'rec-agent', capabilities: ['files:read', 'files:write', 'email:send'], tenant: 'demo', actingFor: ['alice@demo.test'] } });
    const token = reg.registerAgent.credential.token;
    const approver = (await gqlOk<{ issueApiKey: { key: string } }>(url, ADMIN_TOKEN, `mutation($i: IssueApiKeyInput!) { issueApiKey(input: $i) { key } }`, { i: { subject: 'bob@demo.test', roles: ['APPROVER'], tenant: 'demo' } })).issueApiKey.key;
    const submit = async (steps: unknown[]) => (await gqlOk<{ submitTask: { id: string } }>(url, token, `mutation($input: SubmitTaskInput!) { submitTask(input: $input) { id } }`, { input: { goal: 'recorded', plan: plan(steps) } })).submitTask.id;
    const task = (id: string) => gqlOk<{ task: { outcome: string | null; steps: Array<{ approval: { id: string; status: string } | null }> } }>(url, token, `query($id: ID!) { task(id: $id) { outcome steps { approval { id status } } } }`, { id });
    const done = (id: string) => eventually(async () => (await task(id)).task.outcome, 60_000, `task ${id}`);
    const mail = { stepId: 'm', tool: 'send_email', args: { to: 'carol@partner.test', subject: 'hi', body: 'hello' } };
    const ids: Record<string, string> = {
      [`${PREFIX}-allowed`]: await submit([{ stepId: 'r', tool: 'write_file', args: { path: 'a.txt', content: 'a' } }, { stepId: 'w', tool: 'read_file', args: { path: 'a.txt' }, dependsOn: ['r'] }]),
      [`${PREFIX}-denied-skipped`]: await submit([{ stepId: 'x', tool: 'read_file', args: { path: '../../etc/passwd' } }, { stepId: 'y', tool: 'write_file', args: { path: 'b.txt', content: 'b' }, dependsOn: ['x'] }]),
      [`${PREFIX}-approval-approved`]: await submit([mail]),
      [`${PREFIX}-approval-expired`]: await submit([mail]),
    };
    const held = await eventually(async () => (await task(ids[`${PREFIX}-approval-approved`]!)).task.steps[0]?.approval?.status === 'PENDING' && (await task(ids[`${PREFIX}-approval-approved`]!)).task.steps[0]!.approval!.id, 30_000, 'approval');
    await gqlOk(url, approver, `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { status } }`, { i: { approvalId: held, decision: 'APPROVE', reason: 'partner is known' } });
    for (const id of Object.values(ids)) await done(id);
    const client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${temporalPort}` }) });
    for (const [name, id] of Object.entries(ids)) {
      const h = await client.workflow.getHandle(id).fetchHistory();
      await writeFile(join(OUT, `${name}.json`), `${JSON.stringify(historyToPlainJson(h), null, 2)}\n`);
      console.log(name, id, h.events?.length);
    }
    await client.connection.close();
  } catch (e) {
    console.error(log.slice(-3000));
    throw e;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
