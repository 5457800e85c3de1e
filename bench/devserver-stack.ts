/**
 * @module The benchmark's moving parts: a dev server child process (in memory or with
 * `--db-filename`), an SDK Worker and Client against it, and readers of the server's CPU and memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import * as activities from './workflows/bench-activities.js';

const SERVER_BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'temporal-dev-server');

export type Mode = 'memory' | 'persistent';

export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

export interface Stack {
  mode: Mode;
  server: ChildProcess;
  client: Client;
  taskQueue: string;
  /** Workflows completed on this server so far, warm-ups included. */
  completed: number;
  close(): Promise<void>;
}

/** Servers still running, so that a watchdog or a crash never leaves one behind. */
export const liveServers = new Set<ChildProcess>();

/** Ends the run (and every server) if it takes far longer than planned: a hung workflow must not hang CI. */
export function armWatchdog(limitMs: number): void {
  setTimeout(() => {
    console.error(`bench: no result after ${Math.round(limitMs / 1000)} s, giving up`);
    for (const server of liveServers) server.kill('SIGKILL');
    process.exit(2);
  }, limitMs).unref();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function connectWhenReady(address: string, server: ChildProcess, deadlineMs = 20_000): Promise<Connection> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`dev server exited with code ${server.exitCode}`);
    try {
      return await Connection.connect({ address, connectTimeout: 1000 });
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function startStack(mode: Mode, dir: string, bundle: WorkflowBundleWithSourceMap): Promise<Stack> {
  const port = await freePort();
  const args = [SERVER_BIN, 'server', 'start-dev', '--port', String(port), '--headless', '--log-level', 'error'];
  if (mode === 'persistent') args.push('--db-filename', path.join(dir, 'devserver.sqlite'));
  const log = openSync(path.join(dir, `server-${mode}.log`), 'a');
  // why: BENCH_SERVER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the server under the bench's load
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, ...args], { stdio: ['ignore', log, log] });
  liveServers.add(server);
  server.once('exit', () => liveServers.delete(server));
  const address = `127.0.0.1:${port}`;
  const connection = await connectWhenReady(address, server);
  const taskQueue = `bench-${mode}`;
  // why no compression: on loopback gzip costs CPU on both ends and saves nothing (the product's worker does the same).
  const nativeConnection = await NativeConnection.connect({ address, grpcCompression: { codec: 'none' } });
  // why two workflow threads (an SDK worker option): the SDK enters the workflow sandbox under a
  // watchdog timer on every call, and one thread running all activations was this bench's bottleneck
  // on two cores (sustained 1,727 → 2,026 events/s with persistence, same conditions).
  const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: bundle, activities, workflowThreadPoolSize: 2 });
  const running = worker.run();
  const close = async (): Promise<void> => {
    worker.shutdown();
    await running.catch(() => undefined);
    await nativeConnection.close();
    await connection.close();
    await stopServer(server);
  };
  return { mode, server, client: new Client({ connection }), taskQueue, completed: 0, close };
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** User + system CPU of a process in ms, from /proc (USER_HZ is 100 on Linux). */
export function serverCpuMs(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function memoryOf(pid: number | undefined): { vmHwmMB: number; vmRssMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { vmHwmMB: round(kb('VmHWM') / 1024, 1), vmRssMB: round(kb('VmRSS') / 1024, 1) };
}

