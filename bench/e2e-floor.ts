/**
 * @module The floor under bench:e2e: the workflow engine's own cost of a governed one-step task. The
 * same embedded Temporal service (persisting to SQLite) runs `governedShape` (the eight local
 * activities of such a task, one after the other) with activities that do nothing, started and
 * awaited through the SDK's Client: no API, no database, no policy, no audit. Whatever the
 * governance work costs comes on top, so no implementation of this design beats these figures on
 * the machine that measured them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { withoutSourceMap } from '../worker/bundle.js';
import { startStack } from './devserver-stack.js';
import { drive, type Run } from './drive.js';
import { GOVERNED_ONE_STEP_LOCAL_ACTIVITIES } from './workflows/bench-workflows.js';

export interface Floor {
  method: string;
  localActivitiesPerTask: number;
  results: Run[];
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Runs the floor at each concurrency (`runs`: concurrency → tasks), after a warm-up. */
export async function measureFloor(runs: ReadonlyArray<{ concurrency: number; tasks: number }>): Promise<Floor> {
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  const bundle = withoutSourceMap(await bundleWorkflowCode({ workflowsPath: path.join(HERE, 'workflows', 'bench-workflows.ts'), logger: new DefaultLogger('ERROR') }));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-floor-'));
  const stack = await startStack('persistent', dir, bundle);
  try {
    let id = 0;
    const one = async (): Promise<number> => {
      const t0 = performance.now();
      const n = id++;
      const out = await stack.client.workflow.execute('governedShape', { taskQueue: stack.taskQueue, workflowId: `floor-${n}`, args: [n] });
      if (out !== n) throw new Error(`floor workflow ${n} returned ${String(out)}`);
      return performance.now() - t0;
    };
    for (let i = 0; i < 20; i++) await one();
    const results: Run[] = [];
    for (const { concurrency, tasks } of runs) results.push(await drive(one, concurrency, tasks));
    return {
      method: `the embedded Temporal service (bin/temporal-dev-server, persisting to SQLite) in a child process; one SDK Worker (workflowThreadPoolSize 2) and Client in the bench process; workflow governedShape: ${GOVERNED_ONE_STEP_LOCAL_ACTIVITIES} local activities that return their input, one after the other, as a governed one-step task runs them; latency = workflow start → result; warm-up excluded`,
      localActivitiesPerTask: GOVERNED_ONE_STEP_LOCAL_ACTIVITIES,
      results,
    };
  } finally {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
