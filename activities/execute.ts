/**
 * @module executeTool: act once per task step. The claim in tool_executions makes a retried activity
 * (or a local activity run again after its worker died) return the first outcome instead of acting
 * again; a claim left RUNNING by a dead worker is taken over once its lease has expired, and the
 * attempt that finds it running asks to be retried just after that.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { claimExecution, completeExecution, getExecution, renewExecution } from '../db/queries/tool-executions.js';
import { getTool } from '../db/queries/tools.js';
import { upsertStep } from '../db/queries/steps.js';
import { digestJson } from '../lib/canonical-json.js';
import type { GovernedTaskActivities, ToolRunResult } from '../workflows/contract.js';
import { audit } from './audit.js';
import { executionKey, resolvedStep, stepOf } from './assess.js';
import type { ActivityDeps } from './deps.js';
import { loadTaskPlan } from './task-plan.js';
import { boundedOutcome } from '../tools/types.js';

const NO_USAGE = { costUsd: 0, tokens: 0, wallTimeMs: 0 };

function asRunResult(outcome: { status: string; result: unknown; error: unknown }, usage = NO_USAGE): ToolRunResult {
  if (outcome.status === 'SUCCEEDED') return { ok: true, result: outcome.result, resultDigest: digestJson(outcome.result ?? null), usage };
  const error = (outcome.error ?? { code: 'TOOL_FAILED', message: 'the tool failed' }) as { code: string; message: string };
  return { ok: false, resultDigest: digestJson({ error }), error, usage };
}

/**
 * The usage of an outcome an earlier attempt recorded: as recorded with it, or (an outcome recorded
 * before usage was kept) the tool's per-call cost when it succeeded and the time it took.
 */
function reusedUsage(e: { status: string; startedAt: string; finishedAt: string | null; usage: ToolRunResult['usage'] | null }, perCallUsd: number): ToolRunResult['usage'] {
  if (e.usage) return e.usage;
  const wallTimeMs = e.finishedAt ? Math.max(0, Date.parse(e.finishedAt) - Date.parse(e.startedAt)) : 0;
  return e.status === 'SUCCEEDED' ? { costUsd: perCallUsd, tokens: 0, wallTimeMs } : { ...NO_USAGE, wallTimeMs };
}

/**
 * Keep a running tool's claim alive: renew its lease every third of a lease, and heartbeat an
 * ordinary activity (a local activity has no heartbeat on the service; its worker keeps the
 * workflow task alive instead).
 */
function keepAliveWhile<T>(work: Promise<T>, renew: () => Promise<unknown>, leaseMs: number): Promise<T> {
  let ctx: Context | undefined;
  try {
    ctx = Context.current();
  } catch {
    ctx = undefined; // outside a Temporal activity (tests)
  }
  const beat = ctx && !ctx.info.isLocal ? setInterval(() => ctx!.heartbeat(), 2000) : undefined;
  const lease = setInterval(() => void renew().catch(() => undefined), Math.max(500, Math.floor(leaseMs / 3)));
  return work.finally(() => {
    clearInterval(beat);
    clearInterval(lease);
  });
}

function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

export function executeActivity(deps: ActivityDeps): Pick<GovernedTaskActivities, 'executeTool'> {
  return {
    async executeTool({ taskId, tenant, agentId, stepId, planVersion, toolDigest }) {
      const plan = await loadTaskPlan(deps.db, tenant, taskId, planVersion);
      const key = executionKey(taskId, stepId);
      const step = await resolvedStep(deps.db, tenant, taskId, stepOf(plan, stepId));
      const registered = await getTool(deps.db, tenant, step.tool);
      const attempt = currentAttempt();
      const now = deps.now();
      const leaseMs = deps.toolLeaseMs ?? 12_000;
      // why the delay: retrying before the lease ends only finds the claim held again and spends an
      // attempt; bounded by one lease, whatever another worker's clock wrote.
      const inProgress = (held: { leaseExpiresAt: string }) => ApplicationFailure.create({
        message: `step \`${stepId}\` is being executed by another attempt`, type: 'EXECUTION_IN_PROGRESS',
        nextRetryDelay: Math.min(leaseMs + 100, Math.max(200, Date.parse(held.leaseExpiresAt) - now.getTime() + 100)),
      });
      const record = async (recorded: ToolRunResult): Promise<ToolRunResult> => {
        // why on every path: an attempt that died after the tool finished left these undone; both are idempotent.
        await upsertStep(deps.db, { taskId, stepId, tool: step.tool, args: step.args, executed: recorded.ok, ...(recorded.ok ? { result: recorded.result ?? null } : { error: recorded.error }) });
        await audit(deps, deps.db, {
          tenant, taskId, stepId, type: recorded.ok ? 'tool.executed' : 'tool.failed', actor: { kind: 'agent', id: agentId },
          data: { tool: step.tool, argsDigest: digestJson(step.args), resultDigest: recorded.resultDigest, usage: recorded.usage, ...(recorded.error ? { error: recorded.error } : {}), attempt },
        });
        // why without the result: history keeps its digest only (results can be large or sensitive).
        return { ...recorded, result: undefined };
      };
      if (!registered || registered.status !== 'ACTIVE') {
        // why look first: an attempt that acted before the tool was disabled still answers what it did.
        const prior = await getExecution(deps.db, tenant, key);
        if (prior && prior.status !== 'RUNNING') return record(asRunResult(prior, reusedUsage(prior, registered?.definition.cost.perCallUsd ?? 0)));
        return asRunResult({ status: 'FAILED', result: null, error: { code: 'TOOL_UNAVAILABLE', message: `tool \`${step.tool}\` is not registered or disabled` } });
      }
      const perCallUsd = registered.definition.cost.perCallUsd;
      if (toolDigest !== undefined && digestJson(registered.definition) !== toolDigest) {
        // INVARIANT: a step runs the tool definition it was assessed and approved with; a definition
        // re-registered since (another endpoint, schema or risk) is refused, not run (fail closed).
        const prior = await getExecution(deps.db, tenant, key);
        if (prior?.status === 'RUNNING') throw inProgress(prior);
        if (prior) return record(asRunResult(prior, reusedUsage(prior, perCallUsd)));
        return record(asRunResult({ status: 'FAILED', result: null, error: { code: 'TOOL_CHANGED', message: `tool \`${step.tool}\` was re-registered (version ${registered.version}) after the step was assessed; submit the step again to have it assessed against the new definition` } }));
      }
      const claim = await claimExecution(deps.db, { key, tenant, taskId, stepId, tool: step.tool, now, leaseMs });
      if (!claim.claimed) {
        if (claim.execution.status !== 'RUNNING') return record(asRunResult(claim.execution, reusedUsage(claim.execution, perCallUsd)));
        throw inProgress(claim.execution);
      }
      const started = Date.now();
      const held = { key, tenant, attempt: claim.execution.attempt };
      const renew = () => renewExecution(deps.db, { ...held, leaseMs, now: deps.now() });
      const acted = await keepAliveWhile(deps.tools.execute(registered.definition, { tenant, taskId, stepId, executionKey: key, args: step.args, db: deps.db }), renew, leaseMs);
      const wallTimeMs = Date.now() - started;
      // why usage from what the tool did: a result too large to keep was still paid for
      const usage = acted.ok
        ? { costUsd: acted.usage?.costUsd ?? perCallUsd, tokens: acted.usage?.tokens ?? 0, wallTimeMs }
        : { ...NO_USAGE, wallTimeMs };
      const outcome = boundedOutcome(acted);
      const done = await completeExecution(deps.db, outcome.ok
        ? { ...held, now: deps.now(), status: 'SUCCEEDED', result: outcome.result ?? null, usage }
        : { ...held, now: deps.now(), status: 'FAILED', error: outcome.error, usage });
      if (done) return record(asRunResult(done, usage));
      // why: another attempt took the claim over (this one outlived its lease); the outcome on record is theirs.
      const stored = await getExecution(deps.db, tenant, key);
      if (stored && stored.status !== 'RUNNING') return record(asRunResult(stored, reusedUsage(stored, perCallUsd)));
      throw ApplicationFailure.create({ message: `step \`${stepId}\` was taken over by another attempt`, type: 'EXECUTION_IN_PROGRESS', nextRetryDelay: leaseMs });
    },
  };
}
