/**
 * @module Forensics over recorded tasks for investigators: compare two runs, re-decide a run under
 * another policy, measure a policy's drift over recent runs, and replay a run against today's
 * workflow code. Nothing here executes a tool or writes anything.
 */
import { checkDeterminism, type DeterminismResult } from '../../../replay/determinism/index.js';
import { diffRecords, diffToMarkdown, whatIf } from '../../../replay/index.js';
import { workflowBundle } from '../../../worker/bundle.js';
import type { ServiceDeps } from '../deps.js';
import type { ForensicsService } from '../types.js';
import { driftOverRecentTasks } from './drift.js';
import { investigatorScope, loadHistory, loadTask } from './load.js';
import { resolvePolicy, toolMap } from './policy.js';
import { whatIfDiff, whatIfMarkdown } from './what-if-view.js';

/** Replays a history against the workflow code the worker runs. */
export type DeterminismReplayer = (history: unknown, workflowId: string) => Promise<DeterminismResult>;

// why the worker's bundle: webpack runs once per process, and the check must use the code the worker runs.
export const replayAgainstWorkerCode: DeterminismReplayer = async (history, workflowId) =>
  checkDeterminism(history, { workflowBundle: await workflowBundle(), workflowId });

export function createForensicsService(deps: ServiceDeps): ForensicsService {
  const replayer = deps.determinism ?? replayAgainstWorkerCode;
  return {
    async diff(viewer, args) {
      const { tenant } = investigatorScope(viewer, 'replayDiff');
      const left = await loadTask(deps, tenant, args.left);
      const right = await loadTask(deps, tenant, args.right);
      const diff = diffRecords(left.record, right.record);
      return { left: args.left, right: args.right, summary: diff.summary, diff, markdown: diffToMarkdown(diff) };
    },

    async whatIf(viewer, args) {
      const { tenant } = investigatorScope(viewer, 'whatIf');
      const { record } = await loadTask(deps, tenant, args.taskId);
      const policy = await resolvePolicy(deps, tenant, args.policy);
      const result = whatIf(record, policy.compiled, await toolMap(deps, tenant));
      const label = policy.describe.source === 'draft' ? `draft policy set ${policy.describe.version}` : `policy set ${policy.describe.version}`;
      return {
        taskId: args.taskId, policy: policy.describe, changed: result.summary.changed, summary: result.summary,
        diff: whatIfDiff(result), markdown: whatIfMarkdown(result, label), steps: result.steps,
      };
    },

    async drift(viewer, input) {
      const { tenant } = investigatorScope(viewer, 'policyDriftReport');
      const policy = await resolvePolicy(deps, tenant, input.policy);
      const report = await driftOverRecentTasks(deps, tenant, policy.compiled, input);
      return { ...report, policy: policy.describe };
    },

    async determinism(viewer, taskId) {
      const { tenant } = investigatorScope(viewer, 'determinismCheck');
      const { history } = await loadHistory(deps, tenant, taskId);
      const r = await replayer(history, taskId);
      return { taskId, deterministic: r.ok, drift: r.ok ? null : (r.error ?? { kind: 'replay-failure', message: 'the replay failed' }) };
    },
  };
}
