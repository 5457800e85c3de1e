/**
 * @module A worker in its own process, so a test can kill it with SIGKILL (no ShutdownWorker call
 * reaches the server). Usage: `node --import tsx worker-process.ts <address> <task-queue> <bundle-file>`.
 * Prints `ready` once it polls.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { ActivityLog, createActivities } from './activities.js';

async function main(argv: string[]): Promise<void> {
  const [address, taskQueue, codePath] = argv;
  if (!address || !taskQueue || !codePath) throw new Error('usage: worker-process <address> <task-queue> <bundle-file>');
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: { codePath },
    activities: createActivities(new ActivityLog()),
    // why: a short sticky timeout lets the server's fallback to the normal queue show up quickly
    stickyQueueScheduleToStartTimeout: '1s',
  });
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`worker-process: ${String(err)}\n`);
  process.exit(1);
});
