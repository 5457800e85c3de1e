/** @module Who may do what: the roles a principal can hold. */
import { z } from 'zod';

/** `agent` runs tasks; `approver` decides held steps; `investigator` replays and exports; `admin` registers and publishes. */
export const ROLES = ['agent', 'approver', 'investigator', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;
