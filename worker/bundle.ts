/** @module Builds the workflow bundle once per process; every worker in the process reuses it. */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let cached: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * The governed-task workflow bundle (webpack runs once; later calls share the promise).
 *
 * why without its source map unless INTERCEPTOR_WORKFLOW_SOURCE_MAPS=1: the SDK records a stack
 * trace for every promise a workflow creates and maps each frame through the bundle's source map;
 * that mapping was the largest single cost of running a governed task. With an empty map, workflow
 * stack traces name positions in the bundle instead of the TypeScript sources.
 */
export function workflowBundle(env: NodeJS.ProcessEnv = process.env): Promise<WorkflowBundleWithSourceMap> {
  cached ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger }).then((b) => (env.INTERCEPTOR_WORKFLOW_SOURCE_MAPS === '1' ? b : withoutSourceMap(b)));
  return cached;
}

const INLINE_MAP = '//# sourceMappingURL=data:application/json;base64,';

/** The bundle with an empty inline source map (the SDK requires one to be present). */
export function withoutSourceMap(bundle: WorkflowBundleWithSourceMap): WorkflowBundleWithSourceMap {
  const at = bundle.code.lastIndexOf(INLINE_MAP);
  if (at < 0) return bundle;
  const empty = { version: 3, file: 'workflow-bundle.js', sources: [], names: [], mappings: '' };
  const code = `${bundle.code.slice(0, at)}${INLINE_MAP}${Buffer.from(JSON.stringify(empty)).toString('base64')}\n`;
  return { code, sourceMap: empty as unknown as WorkflowBundleWithSourceMap['sourceMap'] };
}

const noop = (): void => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m), log: noop };
