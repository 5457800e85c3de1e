/**
 * bench:e2e — governed single-step tasks through the whole embedded stack (`bin/interceptor start`:
 * embedded Temporal service with persistence, worker, API, PGlite): tasks/s and p50/p99 latency from
 * `submitTask` to a recorded outcome, at concurrency 1 and 32. `--quick` runs fewer tasks.
 * Targets (2-core machine): p50 ≤ 60 ms at concurrency 1, ≥ 100 tasks/s at concurrency 32.
 * `--postgres` runs the same on the Postgres at `DATABASE_URL` (a fresh database) instead of PGlite and
 * writes bench/results/e2e-postgres.json: for comparison, the targets are for the embedded stack.
 * `--sse` measures the earlier client method (outcome awaited on the taskEvents subscription) and
 * writes bench/results/e2e-sse.json.
 * After the stack has stopped, the full embedded run also measures the floor under these figures
 * (bench/e2e-floor.ts: the workflow engine alone, running the task's shape with activities that do
 * nothing) and records it beside them; `--no-floor` skips it.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { ADMIN_TOKEN, createStack, gqlOk, outcomeOf } from '../test/e2e/stack.js';
import { drive } from './drive.js';
import { measureFloor } from './e2e-floor.js';

const quick = process.argv.includes('--quick');
const postgres = process.argv.includes('--postgres');
// why keep `--sse`: it is how clients followed a task before `wait: OUTCOME`, and the earlier figures were measured so
const sse = process.argv.includes('--sse');
const floor = !postgres && !sse && !process.argv.includes('--no-floor');
const PLAN = { steps: [{ stepId: 'w', tool: 'write_file', args: { path: 'bench/out.txt', content: 'x' } }] };

async function main(): Promise<void> {
  if (postgres && !process.env.DATABASE_URL) throw new Error('--postgres needs DATABASE_URL (a Postgres where the bench may create a database)');
  // why no rate limit: one bench agent submits far more than a credential's default 100 requests a second at concurrency 32
  const stack = await createStack({ backend: postgres ? 'postgres' : 'pglite', env: { LOG_LEVEL: 'error', API_RATE_LIMIT: 'off' } });
  await stack.start();
  let result: Record<string, unknown> & { results: unknown[] };
  const runs = { c1: quick ? 30 : 200, c32: quick ? 200 : 1000 };
  try {
    const reg = await gqlOk<{ registerAgent: { credential: { token: string } } }>(stack.url, ADMIN_TOKEN,
      `mutation { registerAgent(input: { name: "bench", capabilities: ["files:write"], tenant: "demo" }) { credential { token } } }`);
    const token = reg.registerAgent.credential.token;

    const one = async (): Promise<number> => {
      const t0 = performance.now();
      const d = await gqlOk<{ submitTask: { id: string; outcome: string | null } }>(stack.url, token,
        `mutation($i: SubmitTaskInput!) { submitTask(input: $i) { id outcome } }`, { i: { goal: 'bench', plan: PLAN, ...(sse ? {} : { wait: 'OUTCOME' }) } });
      const outcome = d.submitTask.outcome ?? (await outcomeOf(stack.url, token, d.submitTask.id));
      if (outcome !== 'COMPLETED') throw new Error(`task ended ${outcome}`);
      return performance.now() - t0;
    };

    const c1 = await drive(one, 1, runs.c1);
    const c32 = await drive(one, 32, runs.c32);
    result = {
      benchmark: 'e2e', date: new Date().toISOString(), quick,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryMB: Math.round(totalmem() / 2 ** 20), node: process.version, loadAverageAtEnd: loadavg().map((x) => +x.toFixed(2)) },
      backend: postgres ? 'postgres' : 'pglite',
      method: `bin/interceptor start in a child process on ${postgres ? 'Postgres (DATABASE_URL, a fresh database)' : 'PGlite'} with the embedded Temporal service persisting to SQLite; each task is one write_file step; API_RATE_LIMIT=off; latency = ${sse ? 'submitTask sent → outcome received on the taskEvents subscription (server-sent events)' : 'submitTask with wait: OUTCOME sent → its answer with the outcome (the taskEvents subscription when the answer has none)'}; warm-up excluded`,
      targets: { p50MsConcurrency1: 60, tasksPerSecConcurrency32: 100 },
      results: [c1, c32],
      met: { p50MsConcurrency1: c1.p50Ms <= 60, tasksPerSecConcurrency32: c32.tasksPerSec >= 100 },
    };
  } finally {
    await stack.dispose();
  }
  const file = new URL(`./results/e2e${postgres ? '-postgres' : ''}${sse ? '-sse' : ''}.json`, import.meta.url);
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  // why written before the floor: a floor that fails must not lose the stack's figures
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  // why after the stack stopped: the floor's own service must not share the machine with the stack's
  if (floor) {
    result.floor = await measureFloor([{ concurrency: 1, tasks: runs.c1 }, { concurrency: 32, tasks: runs.c32 }]);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  }
  console.log(JSON.stringify(result, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
