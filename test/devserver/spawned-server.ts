/**
 * @module A devserver process this suite starts and kills itself (for crash and restart scenarios),
 * rather than through the SDK's launcher, so it can be killed with SIGKILL and restarted in place.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';

export const SERVER_BIN = fileURLToPath(new URL('../../bin/temporal-dev-server', import.meta.url));

export interface SpawnedServer {
  address: string;
  child: ChildProcess;
  output: () => string;
}

export { freePort } from '../support/free-port.js';

/** Starts `bin/temporal-dev-server` in its own process group and waits until it answers. */
export async function spawnServer(port: number, args: string[] = []): Promise<SpawnedServer> {
  const argv = [SERVER_BIN, 'server', 'start-dev', '--port', String(port), '--headless', ...args];
  // why: detached gives the server its own process group, so a kill reaches every process it forked.
  const child = spawn(process.execPath, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const server = { address: `127.0.0.1:${port}`, child, output: () => out };
  await waitUntilReady(server, 30_000);
  return server;
}

async function waitUntilReady(server: SpawnedServer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`server exited with code ${server.child.exitCode}: ${server.output()}`);
    try {
      const conn = await Connection.connect({ address: server.address, connectTimeout: 1_000 });
      await conn.close();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`server at \`${server.address}\` not ready: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Sends `signal` to the server's process group and waits for the process to exit; a server that
 * ignores SIGTERM for 5 s gets SIGKILL.
 */
export async function killServer(server: SpawnedServer, signal: NodeJS.Signals): Promise<void> {
  const { child } = server;
  const pid = child.pid;
  if (child.exitCode !== null || child.signalCode !== null || pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const send = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // the group is already gone
    }
  };
  send(signal);
  const escalate = setTimeout(() => send('SIGKILL'), 5_000);
  await exited;
  clearTimeout(escalate);
}
