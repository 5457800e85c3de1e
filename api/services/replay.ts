/** @module Replay: reconstruct a task from its Temporal history, the deterministic source of what happened. */
import type { ServiceDeps } from './deps.js';
import { investigatorScope, loadTask } from './forensics/load.js';
import type { ReplayService } from './types.js';

export function createReplayService(deps: ServiceDeps): ReplayService {
  return {
    async get(viewer, taskId) {
      const { tenant } = investigatorScope(viewer, 'replay');
      const { record } = await loadTask(deps, tenant, taskId);
      return { ...record, taskId };
    },
  };
}
