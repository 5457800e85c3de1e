import { z } from 'zod';
import { parseOrFail } from '../../../lib/validation.js';
import { IdSchema, PageArgsSchema, TenantSchema } from '../../inputs.js';
import type { Connection } from '../../schema/models.js';
import type { AuditEventModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

const ArgsSchema = PageArgsSchema.extend({
  first: z.number().int().min(1).max(500).nullable().optional().transform((v) => v ?? 100),
  taskId: IdSchema.optional().nullable(),
  tenant: TenantSchema.optional().nullable(),
});

export const auditEvents: Resolver<z.input<typeof ArgsSchema>, Connection<AuditEventModel>> = (_p, args, ctx) => {
  const { taskId, tenant, first, after } = parseOrFail(ArgsSchema, args, 'arguments');
  return ctx.services.audit.list(ctx.viewer, { taskId, tenant }, { first, after });
};
