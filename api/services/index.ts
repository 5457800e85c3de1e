/** @module Build every service from one set of dependencies. */
import { createAgentService } from './agents.js';
import { createApiKeyService } from './api-keys.js';
import { createApprovalService } from './approvals.js';
import { createAuditService } from './audit.js';
import { createBudgetService } from './budgets.js';
import type { ServiceDeps } from './deps.js';
import { createEventService } from './events.js';
import { createForensicsService } from './forensics/analysis.js';
import { createEvidenceService } from './forensics/evidence.js';
import { createEvidenceKeys, pgEvidenceKeyStore } from './forensics/evidence-keys.js';
import { createPolicyService } from './policies.js';
import { createReplayService } from './replay.js';
import { createTaskService } from './tasks.js';
import { createToolService } from './tools.js';
import type { Services } from './types.js';

export function createServices(deps: ServiceDeps): Services {
  const tasks = createTaskService(deps);
  const evidenceKeys = deps.evidenceKeys ?? createEvidenceKeys(pgEvidenceKeyStore(deps.store.pool));
  return {
    replay: createReplayService(deps),
    forensics: createForensicsService(deps),
    evidence: createEvidenceService(deps, evidenceKeys),
    tasks,
    approvals: createApprovalService(deps),
    agents: createAgentService(deps),
    apiKeys: createApiKeyService(deps),
    tools: createToolService(deps),
    policies: createPolicyService(deps),
    budgets: createBudgetService(deps),
    audit: createAuditService(deps),
    events: createEventService(deps, tasks),
  };
}
