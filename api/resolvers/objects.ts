import { graphToDot, graphToJSON, graphToMermaid, type ReplayRecord } from '../../replay/index.js';
/**
 * @module Field resolvers of object types whose values need another read. The parent object was
 * already access-checked by the field that returned it, so these read without re-checking.
 */
import type { ApprovalModel, ReasonModel, TaskModel } from '../schema/models.js';
import type { BudgetModel } from '../services/types.js';
import type { Resolver } from './types.js';

const budget: Resolver<Record<string, never>, BudgetModel[], TaskModel> = (task, _a, ctx) => ctx.services.budgets.forTask(task);

const approvalTask: Resolver<Record<string, never>, TaskModel | null, ApprovalModel> = (a, _args, ctx) => ctx.services.tasks.loadUnchecked(a.tenant, a.taskId);

const approvalArgs: Resolver<Record<string, never>, unknown, ApprovalModel> = async (a, _args, ctx) => (await ctx.services.approvals.step(a)).args;

const approvalReasons: Resolver<Record<string, never>, ReasonModel[], ApprovalModel> = async (a, _args, ctx) => (await ctx.services.approvals.step(a)).reasons;

const whyNot: Resolver<Record<string, never>, string | null, ApprovalModel> = (a, _args, ctx) => ctx.services.approvals.whyNot(ctx.viewer, a);

const canDecide: Resolver<Record<string, never>, boolean, ApprovalModel> = (a, _args, ctx) => ctx.services.approvals.whyNot(ctx.viewer, a) === null;

export const Task = { budget };
export const Approval = { task: approvalTask, args: approvalArgs, reasons: approvalReasons, whyNot, canDecide };

const GRAPH_EXPORTERS = { JSON: graphToJSON, MERMAID: graphToMermaid, DOT: graphToDot } as const;

/** Replay: the record as JSON, with the execution graph exported in the requested format. */
export const Replay = {
  graph: (r: ReplayRecord, args: { format?: keyof typeof GRAPH_EXPORTERS | null }) => GRAPH_EXPORTERS[args.format ?? 'JSON'](r.graph),
};
