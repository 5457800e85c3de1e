/** @module The tool registry of a tenant: admins register (a changed definition is a new pinned version); everyone in the tenant lists. */
import { urlProblem, validateToolDefinition } from '../../governance/capability/index.js';
import { InterceptorError } from '../../lib/errors.js';
import { ToolDefinitionSchema, type ToolDefinition } from '../../governance/types.js';
import { parseOrFail } from '../../lib/validation.js';
import { readTenant, requireRole, requireViewer, writeTenant } from '../access.js';
import type { RegisterToolInputSchema } from '../inputs.js';
import { forTenants, recordAudit, type ServiceDeps } from './deps.js';
import type { ToolRow } from './store.js';
import type { ToolModel, ToolService } from './types.js';
import type { z } from 'zod';

function toolModel(t: ToolRow): ToolModel {
  const d = t.definition;
  return {
    name: t.name, tenant: t.tenant, description: d.description, argsSchema: d.argsSchema, requiredCapability: d.requiredCapability,
    riskLevel: d.riskLevel.toUpperCase(), sideEffect: d.sideEffect.toUpperCase(), endpoint: d.endpoint ?? null, version: t.version, pinnedHash: t.pinnedHash, status: t.status,
  };
}

function definitionOf(input: z.output<typeof RegisterToolInputSchema>): ToolDefinition {
  const def = parseOrFail(ToolDefinitionSchema, {
    name: input.name,
    description: input.description ?? '',
    argsSchema: input.argsSchema,
    requiredCapability: input.requiredCapability,
    riskLevel: input.riskLevel,
    sideEffect: input.sideEffect,
    cost: { perCallUsd: input.costPerCallUsd ?? 0, perTokenUsd: 0 },
    pathArgs: input.pathArgs ?? [],
    urlArgs: input.urlArgs ?? [],
    urlAllowlist: input.urlAllowlist ?? [],
    ...(input.maxStringLength ? { maxStringLength: input.maxStringLength } : {}),
    ...(input.endpoint ? { endpoint: input.endpoint } : {}),
  }, 'input');
  validateToolDefinition(def);
  // why: the runtime only calls allowlisted URLs; an endpoint outside the allowlist could never run, or worse, would be trusted by mistake.
  const problem = def.endpoint === undefined ? undefined : urlProblem(def.endpoint, def.urlAllowlist);
  if (problem !== undefined) {
    throw new InterceptorError('BAD_USER_INPUT', `invalid tool definition: \`endpoint\`: ${problem}`, { issues: [{ path: 'input.endpoint', message: 'must be inside `urlAllowlist`' }] });
  }
  return def;
}

export function createToolService(deps: ServiceDeps): ToolService {
  const { store } = deps;
  return {
    async list(viewer) {
      const v = requireViewer(viewer);
      return (await forTenants(store, readTenant(v), (t) => store.listTools(store.pool, t))).map(toolModel);
    },
    async register(viewer, input) {
      const v = requireRole(viewer, 'admin');
      const tenant = writeTenant(v, input.tenant);
      const def = definitionOf(input);
      return store.transaction(async (db) => {
        await store.ensureTenant(db, tenant);
        const row = await store.upsertTool(db, tenant, def);
        await recordAudit(deps, db, { tenant, type: 'tool.registered', viewer: v, data: { tool: row.name, version: row.version, pinnedHash: row.pinnedHash, riskLevel: def.riskLevel, sideEffect: def.sideEffect } });
        return toolModel(row);
      });
    },
  };
}
