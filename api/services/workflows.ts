/**
 * @module The API's only door to Temporal: start a governed task, ask its live status, signal an
 * approval decision or a cancellation. Kept behind an interface so resolvers and tests never touch
 * the SDK client directly.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { governedTask } from '../../workflows/governed-task.js';
import type { ApprovalDecisionSignal, CancelSignal, GovernedTaskInput, TaskView, ToolResultSignal } from '../../workflows/contract.js';
import { GOVERNED_TASK_WORKFLOW, approvalDecisionSignal, cancelSignal, statusQuery, toolResultSignal } from '../../workflows/messages.js';

export interface WorkflowGateway {
  /** Start the task's workflow (workflow id = task id); `existing` when one with that id already ran. */
  start(input: GovernedTaskInput): Promise<'started' | 'existing'>;
  /** The live view from the workflow's `status` query; null when the workflow is unknown or unreachable. */
  status(taskId: string): Promise<TaskView | null>;
  signalApproval(taskId: string, signal: ApprovalDecisionSignal): Promise<void>;
  cancel(taskId: string, signal: CancelSignal): Promise<void>;
  /** Hand a caller-reported tool result (already recorded in the database) to the task's workflow. */
  signalToolResult(taskId: string, signal: ToolResultSignal): Promise<void>;
  /** The task's complete Temporal history (the replay source); null when the workflow is unknown. */
  history?(taskId: string): Promise<unknown | null>;
}

export interface TemporalGatewayOptions {
  taskQueue: string;
}

function isNotFound(e: unknown): boolean {
  return e instanceof WorkflowNotFoundError || (e as { name?: string } | null)?.name === 'WorkflowNotFoundError';
}

/** The gateway over a real `@temporalio/client` Client. */
export function createTemporalGateway(client: Client, opts: TemporalGatewayOptions): WorkflowGateway {
  return {
    async start(input) {
      try {
        await client.workflow.start<typeof governedTask>(GOVERNED_TASK_WORKFLOW, {
          workflowId: input.taskId,
          taskQueue: opts.taskQueue,
          args: [input],
          // why: a task id names one task forever; even a closed task's id is never reused.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          searchAttributes: { TenantId: [input.tenant], AgentId: [input.agentId] },
        });
        return 'started';
      } catch (e) {
        if (e instanceof WorkflowExecutionAlreadyStartedError) return 'existing';
        throw e;
      }
    },
    async status(taskId) {
      try {
        return await client.workflow.getHandle(taskId).query(statusQuery);
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    },
    async signalApproval(taskId, signal) {
      await client.workflow.getHandle(taskId).signal(approvalDecisionSignal, signal);
    },
    async cancel(taskId, signal) {
      await client.workflow.getHandle(taskId).signal(cancelSignal, signal);
    },
    async signalToolResult(taskId, signal) {
      await client.workflow.getHandle(taskId).signal(toolResultSignal, signal);
    },
    async history(taskId) {
      try {
        return await client.workflow.getHandle(taskId).fetchHistory();
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    },
  };
}
