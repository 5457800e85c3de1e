/**
 * @module Local budget allowance: calls and USD cost per agent per UTC day, counted in memory.
 *
 * The audit buffer is the allowance's record: every call it admits is written there (`proxy.call`
 * with `allowance: { costUsd }`) before the upstream runs, so reopening the proxy recounts today's
 * spending from the buffer (`chargesInAudit`). why not a file of its own: its write per call cost
 * more than the proxy's whole latency budget (the extra file's metadata also slowed the audit
 * buffer's flush), and a write behind could lose the last calls to a kill -9; the audit line is
 * in the kernel before the upstream is called, so a crash cannot forget a call that ran.
 * A `budget.json` left by an earlier version still counts for its day.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { windowKey } from '../../governance/budget/index.js';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';
import type { ChainedAuditRecord } from '../audit/buffer.js';

/** Written by versions before the allowance was counted from the audit buffer; read, never written. */
export const LEGACY_BUDGET_FILE = 'budget.json';

const UsageSchema = z.object({ calls: z.number().min(0), costUsd: z.number().min(0) });
const BudgetFileSchema = z.object({ window: z.string(), agents: z.record(z.string(), UsageSchema) });
type Usage = z.infer<typeof UsageSchema>;

export interface BudgetLimits {
  callsPerDay?: number | undefined;
  costUsdPerDay?: number | undefined;
}

export interface BudgetCheck {
  fractionUsed: number;
  exhausted: boolean;
}

/** Whose allowance: agent ids are unique within a tenant only. */
export interface AllowanceHolder {
  tenant: string;
  agentId: string;
}

/** One call the allowance admitted. */
export interface Charge extends AllowanceHolder {
  at: Date;
  costUsd: number;
}

export interface LocalBudget {
  /** How much of the tightest limit the agent has used today. */
  check(holder: AllowanceHolder, now: Date): BudgetCheck;
  /** Reserve one call of `costUsd`; false (and nothing reserved) when a limit would be passed. */
  reserve(holder: AllowanceHolder, costUsd: number, now: Date): boolean;
}

export interface LocalBudgetOptions {
  /** Calls admitted before this process started (from `chargesInAudit`). */
  charges?: Iterable<Charge>;
  /** A data dir that may hold an earlier version's `budget.json`. */
  dataDir?: string;
  now?: Date;
}

export function openLocalBudget(limits: BudgetLimits, opts: LocalBudgetOptions = {}): LocalBudget {
  let state = { window: windowKey('day', opts.now ?? new Date(), ''), agents: new Map<string, Usage>() };
  for (const c of opts.charges ?? []) {
    if (windowKey('day', c.at, '') !== state.window) continue;
    const u = state.agents.get(keyOf(c)) ?? { calls: 0, costUsd: 0 };
    state.agents.set(keyOf(c), { calls: u.calls + 1, costUsd: u.costUsd + c.costUsd });
  }
  // why added to what the audit counts: the file counts only the calls of the earlier version, whose
  // audit records carry no allowance; it kept agent ids without their tenant, so it counts for each.
  const file = opts.dataDir ? readLegacyFile(join(opts.dataDir, LEGACY_BUDGET_FILE)) : undefined;
  let legacy = new Map(file?.window === state.window ? Object.entries(file.agents) : []);
  const usage = (holder: AllowanceHolder, now: Date): Usage => {
    const w = windowKey('day', now, '');
    if (state.window !== w) {
      state = { window: w, agents: new Map() };
      legacy = new Map();
    }
    const own = state.agents.get(keyOf(holder)) ?? { calls: 0, costUsd: 0 };
    const old = legacy.get(holder.agentId);
    return old ? { calls: own.calls + old.calls, costUsd: own.costUsd + old.costUsd } : own;
  };
  const fraction = (u: Usage): number => Math.max(ratio(u.calls, limits.callsPerDay), ratio(u.costUsd, limits.costUsdPerDay));
  return {
    check(holder, now) {
      const f = fraction(usage(holder, now));
      return { fractionUsed: f, exhausted: f >= 1 };
    },
    reserve(holder, costUsd, now) {
      const u = usage(holder, now);
      if (over(u.calls + 1, limits.callsPerDay) || over(u.costUsd + costUsd, limits.costUsdPerDay)) return false;
      const own = state.agents.get(keyOf(holder)) ?? { calls: 0, costUsd: 0 };
      state.agents.set(keyOf(holder), { calls: own.calls + 1, costUsd: own.costUsd + costUsd });
      return true;
    },
  };
}

/** The calls the local allowance admitted, as recorded in the audit buffer. */
export function chargesInAudit(records: Iterable<ChainedAuditRecord>): Charge[] {
  const out: Charge[] = [];
  for (const { event } of records) {
    if (event.type !== 'proxy.call' || event.data.decision !== 'ALLOW') continue;
    const allowance = event.data.allowance as { costUsd?: unknown } | undefined;
    if (!allowance || typeof allowance !== 'object') continue;
    const at = new Date(event.at);
    if (Number.isNaN(at.getTime())) continue;
    out.push({ tenant: event.tenant, agentId: event.actor.id, at, costUsd: typeof allowance.costUsd === 'number' && allowance.costUsd > 0 ? allowance.costUsd : 0 });
  }
  return out;
}

function keyOf(h: AllowanceHolder): string {
  return `${h.tenant}\u0000${h.agentId}`;
}

function ratio(used: number, limit: number | undefined): number {
  if (limit === undefined) return 0;
  return limit === 0 ? 1 : used / limit;
}

function over(value: number, limit: number | undefined): boolean {
  return limit !== undefined && value > limit;
}

function readLegacyFile(path: string): z.infer<typeof BudgetFileSchema> | undefined {
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new InterceptorError('INTERNAL', `budget file \`${path}\` is not valid JSON`, { cause });
  }
  return parseOrFail(BudgetFileSchema, json, `budget file \`${path}\``);
}
