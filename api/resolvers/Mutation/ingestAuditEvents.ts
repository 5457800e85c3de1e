import type { Resolver } from '../types.js';

export const ingestAuditEvents: Resolver<{ events: unknown }, number> = (_p, args, ctx) => ctx.services.audit.ingest(ctx.viewer, args.events);
