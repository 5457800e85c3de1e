/** @module extractPlan and authenticateAgent: the first two steps of the governed path. */
import { ApplicationFailure } from '@temporalio/activity';
import { extractPlan as extract } from '../governance/plan/index.js';
import { digestJson } from '../lib/canonical-json.js';
import { isInterceptorError } from '../lib/errors.js';
import { updateTask } from '../db/queries/tasks.js';
import { getCredential } from '../db/queries/credentials.js';
import { getAgent } from '../db/queries/agents.js';
import { withTransaction } from '../db/pool.js';
import type { GovernedTaskActivities } from '../workflows/contract.js';
import type { DecisionReason } from '../governance/types.js';
import { audit, SYSTEM } from './audit.js';
import type { ActivityDeps } from './deps.js';

type Acts = Pick<GovernedTaskActivities, 'extractPlan' | 'authenticateAgent'>;

export function planIdentityActivities(deps: ActivityDeps): Acts {
  return {
    async extractPlan({ taskId, tenant, goal, source }) {
      let plan;
      try {
        plan = extract({ format: source.format, payload: source.payload, goal });
      } catch (e) {
        if (!isInterceptorError(e)) throw e;
        const reason: DecisionReason = { code: 'PLAN_INVALID', message: e.message };
        await withTransaction(deps.db, async (tx) => {
          await updateTask(tx, tenant, taskId, { summary: { planError: e.message, issues: e.issues } });
          await audit(deps, tx, { tenant, taskId, type: 'plan.rejected', actor: SYSTEM, data: { format: source.format, message: e.message, issues: e.issues } });
        });
        return { ok: false, reason };
      }
      const planVersion = digestJson(plan);
      await withTransaction(deps.db, async (tx) => {
        await updateTask(tx, tenant, taskId, { plan });
        await audit(deps, tx, { tenant, taskId, type: 'plan.extracted', actor: SYSTEM, data: { format: source.format, planId: plan.planId, planVersion, steps: plan.steps.map((s) => ({ stepId: s.stepId, tool: s.tool, dependsOn: s.dependsOn })) } });
      });
      return { ok: true, plan, planVersion };
    },

    async authenticateAgent({ taskId, tenant, agentId, credential }) {
      const now = deps.now();
      const [cred, agent] = await Promise.all([getCredential(deps.db, credential.id), getAgent(deps.db, tenant, agentId)]);
      const refusal = credentialProblem(cred, agent, { tenant, agentId, now });
      if (refusal) {
        await audit(deps, deps.db, { tenant, taskId, type: 'identity.rejected', actor: { kind: 'agent', id: agentId }, data: { credentialId: credential.id, reason: refusal } });
        return { ok: false, reason: refusal };
      }
      // why: least privilege: the task may use only capabilities both the credential and the agent's current registration grant.
      const capabilities = credential.capabilities.filter((c) => agent!.capabilities.includes(c));
      const identity = { agentId, tenant, capabilities, actingFor: credential.actingFor, credentialId: credential.id, keyId: credential.keyId, expiresAt: cred!.expiresAt };
      await audit(deps, deps.db, { tenant, taskId, type: 'identity.verified', actor: { kind: 'agent', id: agentId }, data: { credentialId: credential.id, keyId: credential.keyId, capabilities, actingFor: credential.actingFor } });
      return { ok: true, identity };
    },
  };
}

function credentialProblem(
  cred: Awaited<ReturnType<typeof getCredential>>,
  agent: Awaited<ReturnType<typeof getAgent>>,
  want: { tenant: string; agentId: string; now: Date },
): DecisionReason | null {
  if (!cred || cred.tenant !== want.tenant || cred.agentId !== want.agentId) return { code: 'CREDENTIAL_UNKNOWN', message: 'the credential is not registered for this agent and tenant' };
  if (cred.revokedAt) return { code: 'CREDENTIAL_REVOKED', message: `the credential was revoked at ${cred.revokedAt}` };
  if (Date.parse(cred.expiresAt) <= want.now.getTime()) return { code: 'CREDENTIAL_EXPIRED', message: `the credential expired at ${cred.expiresAt}` };
  if (!agent) return { code: 'AGENT_UNKNOWN', message: `agent \`${want.agentId}\` is not registered in tenant \`${want.tenant}\`` };
  if (agent.status !== 'ACTIVE') return { code: 'AGENT_INACTIVE', message: `agent \`${want.agentId}\` is ${agent.status.toLowerCase()}` };
  return null;
}

/** Permanent failures are not retried: Temporal would only repeat them. */
export function permanent(message: string, type: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type, nonRetryable: true });
}
