/** @module The worker's view of the activities: governance results carry their inputs (see RecordedActivities). */
import type { GovernanceActivityName, GovernedTaskActivities, RecordedActivities, WorkerActivities } from '../workflows/contract.js';
import { GOVERNANCE_ACTIVITIES } from '../workflows/messages.js';

export function recordInputs(activities: GovernedTaskActivities): WorkerActivities {
  const recorded = {} as Record<GovernanceActivityName, (input: never) => Promise<unknown>>;
  for (const name of GOVERNANCE_ACTIVITIES) {
    const run = activities[name] as (input: unknown) => Promise<unknown>;
    recorded[name] = async (input: unknown) => ({ input, output: await run(input) });
  }
  return {
    ...(recorded as unknown as RecordedActivities),
    executeTool: activities.executeTool,
    executeQuickTool: async (input) => ({ input, output: await activities.executeTool(input) }),
  };
}
