/**
 * @module Shared harness for the devserver conformance suite: one server and one workflow bundle per
 * test file, a fresh worker per test, and a replay of every history a test produced.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Client, WorkflowHandle, WorkflowHandleWithFirstExecutionRunId, WorkflowStartOptions } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { WorkerOptions, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ActivityLog, createActivities } from './activities.js';
import type { ConformanceActivities } from './activities.js';
import { assertWellFormed, historyOf, lastEvent } from './history.js';
import type { History } from './history.js';
import { SERVER_BIN, freePort, killServer, spawnServer } from './spawned-server.js';
import type { SpawnedServer } from './spawned-server.js';

export interface RunRef {
  workflowId: string;
  runId?: string;
}

export interface Conformance {
  env: TestWorkflowEnvironment;
  client: Client;
  bundle: WorkflowBundleWithSourceMap;
  log: ActivityLog;
  activities: ConformanceActivities;
  /** Runs started by the current test; replayed and cleared by `replayTracked`. */
  runs: RunRef[];
  /** Set only when the SDK launcher timed out and the suite started the server itself. */
  spawned?: SpawnedServer;
}

export interface EnvOptions {
  searchAttributes?: SearchAttributeKey<SearchAttributeType>[];
  extraArgs?: string[];
}

export function workflowsPath(module: string): string {
  return fileURLToPath(new URL(`./workflows/${module}.ts`, import.meta.url));
}

let runtimeInstalled = false;

/** Keeps worker and core logs to errors, so test output shows only what went wrong. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
}

interface StartedServer {
  env: TestWorkflowEnvironment;
  spawned?: SpawnedServer;
}

/**
 * Starts the server through the SDK's own launcher (existing-path executable). The launcher's
 * readiness window is a fixed 5 s; on a shared, overloaded 2-core machine a cold `tsx` start can
 * miss it (see FINDINGS.md), so on that one error the suite starts the same binary itself, waits
 * longer, and connects with createFromExistingServer. Any other start-up error fails the file.
 */
async function startServer(opts: EnvOptions): Promise<StartedServer> {
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: SERVER_BIN },
        searchAttributes: opts.searchAttributes,
        extraArgs: opts.extraArgs,
      },
    });
    return { env };
  } catch (err) {
    if (!/did not start within/.test(String(err))) throw err;
    process.stderr.write(`devserver conformance: SDK launcher timed out, starting the server directly: ${String(err)}\n`);
  }
  const saArgs = (opts.searchAttributes ?? []).flatMap((k) => ['--search-attribute', `${k.name}=${TypedSearchAttributes.toMetadataType(k.type)}`]);
  const spawned = await spawnServer(await freePort(), [...saArgs, ...(opts.extraArgs ?? [])]);
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address: spawned.address });
  return { env, spawned };
}

/** Starts the project's server and then bundles `module` (sequentially, to spare the 2 cores). */
export async function setUpConformance(module: string, opts: EnvOptions = {}): Promise<Conformance> {
  installQuietRuntime();
  const { env, spawned } = await startServer(opts);
  const bundle = await bundleWorkflowCode({ workflowsPath: workflowsPath(module), logger: quietLogger() });
  const log = new ActivityLog();
  return { env, client: env.client, bundle, log, activities: createActivities(log), runs: [], spawned };
}

export async function tearDown(c: Conformance | undefined): Promise<void> {
  await c?.env.teardown();
  if (c?.spawned) await killServer(c.spawned, 'SIGTERM');
}

/**
 * A conformance file's hooks: set up before all (handing the environment to `use`), replay every
 * history the test produced after each, tear down after all.
 */
export function useConformance(module: string, use: (c: Conformance) => void, opts: EnvOptions = {}): void {
  let c: Conformance | undefined;
  beforeAll(async () => {
    c = await setUpConformance(module, opts);
    use(c);
  });
  afterAll(() => tearDown(c));
  afterEach(async () => {
    if (c) await replayTracked(c);
  });
}

export function uniqueQueue(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/** Registers a run for replay at the end of the test; runs it continued into are followed. */
export function track(c: Conformance, workflowId: string, runId?: string): void {
  c.runs.push({ workflowId, runId });
}

export type WorkerOverrides = Partial<Omit<WorkerOptions, 'taskQueue' | 'connection' | 'workflowBundle'>>;

export async function createWorker(c: Conformance, taskQueue: string, opts: WorkerOverrides = {}): Promise<Worker> {
  return Worker.create({
    connection: c.env.nativeConnection,
    taskQueue,
    workflowBundle: c.bundle,
    activities: c.activities,
    ...opts,
  });
}

/** Runs `fn` while a fresh worker polls `taskQueue`, then shuts the worker down. */
export async function withWorker<T>(
  c: Conformance,
  taskQueue: string,
  fn: () => Promise<T>,
  opts: WorkerOverrides = {},
): Promise<T> {
  const worker = await createWorker(c, taskQueue, opts);
  return worker.runUntil(fn);
}

export interface RunOptions {
  taskQueue?: string;
  workflowId?: string;
  worker?: WorkerOverrides;
  start?: Partial<WorkflowStartOptions>;
  /** Runs while the worker is up, after the start and before the result is awaited. */
  during?: (handle: WorkflowHandle) => Promise<void>;
}

export interface Finished<T> {
  handle: WorkflowHandleWithFirstExecutionRunId;
  result: T;
  history: History;
}

/** Starts `workflowType`, tracks it for replay, runs a worker until it closes and reads its history. */
export async function runToEnd<T>(c: Conformance, workflowType: string, args: unknown[], opts: RunOptions = {}): Promise<Finished<T>> {
  const taskQueue = opts.taskQueue ?? uniqueQueue(workflowType);
  const handle = await c.client.workflow.start(workflowType, {
    taskQueue,
    workflowId: opts.workflowId ?? uniqueId(workflowType),
    args,
    ...opts.start,
  });
  track(c, handle.workflowId, handle.firstExecutionRunId);
  const result = await withWorker(
    c,
    taskQueue,
    async () => {
      if (opts.during) await opts.during(handle);
      return (await handle.result()) as T;
    },
    opts.worker,
  );
  return { handle, result, history: await historyOf(c.client, handle.workflowId) };
}

/** Every run id of a chain of runs (continue-as-new, retry), starting at `ref`. */
async function runChain(client: Client, ref: RunRef): Promise<{ runId: string; history: unknown }[]> {
  const out: { runId: string; history: unknown }[] = [];
  let runId = ref.runId;
  for (let guard = 0; guard < 50; guard++) {
    const history = await historyOf(client, ref.workflowId, runId);
    assertWellFormed(history, `history of \`${ref.workflowId}\` run \`${runId ?? 'current'}\``);
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    out.push({ runId: runId ?? started?.originalExecutionRunId ?? '', history });
    const next = nextRunId(lastEvent(history));
    if (!next || out.some((r) => r.runId === next)) break;
    runId = next;
  }
  return out;
}

function nextRunId(event: ReturnType<typeof lastEvent>): string | undefined {
  if (!event) return undefined;
  const a =
    event.workflowExecutionContinuedAsNewEventAttributes ??
    event.workflowExecutionCompletedEventAttributes ??
    event.workflowExecutionFailedEventAttributes ??
    event.workflowExecutionTimedOutEventAttributes;
  return a?.newExecutionRunId || undefined;
}

/**
 * Replays every history the test produced against the file's bundle; throws naming each run that
 * fails. why: a server that writes a history the SDK cannot replay breaks every later worker.
 */
export async function replayTracked(c: Conformance): Promise<number> {
  const refs = c.runs.splice(0);
  const histories: { workflowId: string; history: unknown }[] = [];
  for (const ref of refs) {
    for (const run of await runChain(c.client, ref)) histories.push({ workflowId: ref.workflowId, history: run.history });
  }
  await replayHistories(c.bundle, histories);
  return histories.length;
}

/** Replays `histories` against `bundle`; throws naming each run whose replay failed. */
export async function replayHistories(
  bundle: WorkflowBundleWithSourceMap,
  histories: { workflowId: string; history: unknown }[],
): Promise<void> {
  if (histories.length === 0) return;
  const failures: string[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
    if (r.error) failures.push(`${r.workflowId}/${r.runId}: ${r.error.name}: ${r.error.message}`);
  }
  if (failures.length > 0) throw new Error(`replay failed for ${failures.length} run(s):\n${failures.join('\n')}`);
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function quietLogger() {
  const noop = (): void => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
}
