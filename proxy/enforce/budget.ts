/**
 * @module Local budget allowance: calls and USD cost per agent per UTC day, persisted in the data
 * dir (`budget.json`) so a restart does not reset spending. A reservation is taken before the
 * upstream runs (the call counts even if the upstream then fails: the attempt was allowed).
 * Counters live in memory and are written behind (one write in flight, always the latest state):
 * a synchronous write per call would cost more than the proxy's whole latency budget.
 */
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { windowKey } from '../../governance/budget/index.js';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';

export const BUDGET_FILE = 'budget.json';

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

export interface LocalBudget {
  /** How much of the tightest limit the agent has used today. */
  check(agentId: string, now: Date): BudgetCheck;
  /** Reserve one call of `costUsd`; false (and nothing reserved) when a limit would be passed. */
  reserve(agentId: string, costUsd: number, now: Date): boolean;
  /** Resolves once the latest counters are on disk. */
  flush(): Promise<void>;
}

export function openLocalBudget(dataDir: string, limits: BudgetLimits): LocalBudget {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, BUDGET_FILE);
  let state = existsSync(path) ? readState(path) : { window: '', agents: {} as Record<string, Usage> };
  const usage = (agentId: string, now: Date): Usage => {
    const w = windowKey('day', now, '');
    if (state.window !== w) state = { window: w, agents: {} };
    return Object.hasOwn(state.agents, agentId) ? state.agents[agentId]! : { calls: 0, costUsd: 0 };
  };
  let writing: Promise<void> | null = null;
  let dirty = false;
  const persist = (): Promise<void> => {
    dirty = true;
    if (writing) return writing;
    writing = (async () => {
      while (dirty) {
        dirty = false;
        const tmp = `${path}.${process.pid}.tmp`;
        await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
        await rename(tmp, path);
      }
    })().finally(() => {
      writing = null;
    });
    return writing;
  };
  const fraction = (u: Usage): number => Math.max(ratio(u.calls, limits.callsPerDay), ratio(u.costUsd, limits.costUsdPerDay));
  return {
    check(agentId, now) {
      const f = fraction(usage(agentId, now));
      return { fractionUsed: f, exhausted: f >= 1 };
    },
    reserve(agentId, costUsd, now) {
      const u = usage(agentId, now);
      const next = { calls: u.calls + 1, costUsd: u.costUsd + costUsd };
      if (over(next.calls, limits.callsPerDay) || over(next.costUsd, limits.costUsdPerDay)) return false;
      state.agents[agentId] = next;
      persist().catch(() => undefined);
      return true;
    },
    flush: () => (writing ?? (dirty ? persist() : Promise.resolve())),
  };
}

function ratio(used: number, limit: number | undefined): number {
  if (limit === undefined) return 0;
  return limit === 0 ? 1 : used / limit;
}

function over(value: number, limit: number | undefined): boolean {
  return limit !== undefined && value > limit;
}

function readState(path: string): { window: string; agents: Record<string, Usage> } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new InterceptorError('INTERNAL', `budget file \`${path}\` is not valid JSON`, { cause });
  }
  return parseOrFail(BudgetFileSchema, json, `budget file \`${path}\``);
}
