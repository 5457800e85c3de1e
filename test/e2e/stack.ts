/**
 * @module The whole product as a user runs it: `bin/interceptor start` in a child process (embedded
 * Temporal service, worker, API; PGlite or a fresh Postgres database), driven over real HTTP GraphQL.
 * A stack can be killed with SIGKILL and started again on the same data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTestDatabase, type BackendKind } from '../db/helpers.js';
import { freePort } from '../support/free-port.js';

const BIN = fileURLToPath(new URL('../../bin/interceptor', import.meta.url));
export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

export { freePort };

export interface StackOptions {
  backend: BackendKind;
  env?: Record<string, string>;
}

export interface Stack {
  url: string;
  dataDir: string;
  logs(): string;
  /** Start (again) on the same data directory, ports and database. */
  start(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  dispose(): Promise<void>;
}

export async function createStack(opts: StackOptions): Promise<Stack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'interceptor-e2e-'));
  const db = opts.backend === 'postgres' ? await openTestDatabase('postgres', { migrate: false }) : null;
  if (db) await db.pool.end().catch(() => undefined);
  const [port, temporalPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env, PORT: String(port), TEMPORAL_PORT: String(temporalPort), INTERCEPTOR_DATA_DIR: dataDir,
    INTERCEPTOR_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'warn', ...(db ? { DATABASE_URL: db.url } : {}), ...opts.env,
  } as NodeJS.ProcessEnv;
  if (!db) delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  let child: ChildProcess | undefined;
  let output = '';
  const url = `http://127.0.0.1:${port}/graphql`;

  const stack: Stack = {
    url, dataDir,
    logs: () => output,
    async start() {
      // STACK_PROF=<dir>: write V8 CPU profiles of the stack's threads there (to see where a benchmark's time goes).
      const profile = process.env.STACK_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.STACK_PROF}`] : [];
      child = spawn(process.execPath, [...profile, BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`interceptor exited with ${child.exitCode}:\n${output}`);
        try {
          const res = await fetch(`http://127.0.0.1:${port}/healthz`);
          if (res.ok && output.includes('graphql')) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`interceptor did not become healthy:\n${output}`);
    },
    async kill(signal = 'SIGKILL') {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill(signal);
      await exited;
    },
    async dispose() {
      await stack.kill('SIGTERM');
      await db?.close().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

export interface GqlResult<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; issues?: { path: string; message: string }[] } }[];
}

/** A GraphQL request over HTTP with a bearer token. */
export async function gql<T = Record<string, unknown>>(url: string, token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<GqlResult<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlResult<T>;
}

/** Like gql, but fails the test with the errors when there are any. */
export async function gqlOk<T = Record<string, unknown>>(url: string, token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await gql<T>(url, token, query, variables);
  if (r.errors?.length || !r.data) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data;
}

export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Wait for a task's outcome the way a client should: the `taskEvents` subscription over server-sent
 * events (its first event is the current state, so a task that already ended answers at once).
 */
export async function outcomeOf(url: string, token: string, taskId: string, timeoutMs = 60_000): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: 'subscription($t: ID!) { taskEvents(taskId: $t) { task { outcome } } }', variables: { t: taskId } }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok || !res.body) throw new Error(`taskEvents answered HTTP ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the taskEvents stream of ${taskId} ended without an outcome`);
      buffered += value;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5)).join('');
        if (!data.trim()) continue;
        const msg = JSON.parse(data) as { data?: { taskEvents?: { task?: { outcome?: string | null } } }; errors?: unknown[] };
        if (msg.errors) throw new Error(`taskEvents failed: ${JSON.stringify(msg.errors)}`);
        const outcome = msg.data?.taskEvents?.task?.outcome;
        if (outcome) return outcome;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
