/**
 * @module The governed-task activities. Thin adapters: each loads its inputs, calls the pure
 * governance core, persists the result with its audit event in one transaction, and returns plain JSON.
 */
import type { GovernedTaskActivities } from '../workflows/contract.js';
import { approvalActivities } from './approvals.js';
import { assessActivity } from './assess.js';
import { budgetActivities } from './budget.js';
import type { ActivityDeps } from './deps.js';
import { executeActivity } from './execute.js';
import { planIdentityActivities } from './plan-identity.js';
import { PolicyCache } from './policy-cache.js';
import { recordActivities } from './record.js';

export type { ActivityDeps, TaskEvent } from './deps.js';
export { PolicyCache } from './policy-cache.js';

export function createActivities(deps: ActivityDeps, policies: PolicyCache = new PolicyCache()): GovernedTaskActivities {
  return {
    ...planIdentityActivities(deps),
    ...assessActivity(deps, policies),
    ...approvalActivities(deps),
    ...budgetActivities(deps),
    ...executeActivity(deps),
    ...recordActivities(deps),
  };
}
