/** @module Replay: reconstruct a task from its Temporal history, the deterministic source of what happened. */
import { reconstruct } from '../../replay/index.js';
import { InterceptorError } from '../../lib/errors.js';
import { notFound, requireRole } from '../access.js';
import type { ServiceDeps } from './deps.js';
import type { ReplayService } from './types.js';

export function createReplayService(deps: ServiceDeps): ReplayService {
  return {
    async get(viewer, taskId) {
      const v = requireRole(viewer, 'investigator', 'admin');
      if (!v.tenant) throw new InterceptorError('BAD_USER_INPUT', 'replay reads one tenant\'s tasks: use a key of that tenant');
      const row = await deps.store.getTask(deps.store.pool, v.tenant, taskId);
      if (!row) throw notFound('task', taskId);
      const history = deps.workflows.history ? await deps.workflows.history(taskId) : null;
      if (!history) throw new InterceptorError('NOT_FOUND', `the history of task \`${taskId}\` is not available`);
      return { ...reconstruct(history), taskId };
    },
  };
}
