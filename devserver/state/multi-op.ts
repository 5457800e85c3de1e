/**
 * @module ExecuteMultiOperation: update-with-start. The start (or reuse, by conflict policy) and the
 * update admission commit together; errors come back as MultiOperationExecutionFailure, the
 * failing operation's status first and the other one marked aborted, as the client expects.
 */
import * as grpc from '@grpc/grpc-js';
import { encode, type Msg } from '../proto.js';
import { ServiceError, invalid, isServiceError } from '../errors.js';
import type { Engine } from './engine.js';
import { newRunFromRequest, startWorkflow } from './workflow.js';
import { admitOn, wait } from './updates.js';

const CODE_NUM: Record<string, number> = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, FAILED_PRECONDITION: 9, RESOURCE_EXHAUSTED: 8 };

function multiFailure(e: ServiceError, failedIndex: number): ServiceError {
  const failed: Msg = { code: CODE_NUM[e.code] ?? grpc.status.INTERNAL, message: e.message, details: e.detail ? [{ type_url: `type.googleapis.com/${e.detail.typeName}`, value: encode(e.detail.typeName, e.detail.value).toString('base64') }] : [] };
  const aborted: Msg = { code: grpc.status.ABORTED, message: 'operation was aborted', details: [{ type_url: 'type.googleapis.com/temporal.api.failure.v1.MultiOperationExecutionAborted', value: '' }] };
  const statuses = failedIndex === 0 ? [failed, aborted] : [aborted, failed];
  return new ServiceError(e.code, `multi operation failed: ${e.message}`, { typeName: 'temporal.api.errordetails.v1.MultiOperationExecutionFailure', value: { statuses } });
}

export async function executeMultiOperation(eng: Engine, ns: string, req: Msg, onCancel: (cb: () => void) => void): Promise<Msg> {
  const ops = (req.operations ?? []) as Msg[];
  const start = ops[0]?.startWorkflow as Msg | undefined;
  const upd = ops[1]?.updateWorkflow as Msg | undefined;
  if (ops.length !== 2 || !start || !upd) throw invalid('operations must be a start-workflow followed by an update-workflow');
  const updateId = String(upd.request?.meta?.updateId ?? '');
  if (!updateId || !upd.request?.input?.name) throw multiFailure(invalid('update id and name are required'), 1);
  let r;
  try {
    r = eng.mutate(() => {
      const started = startWorkflow(eng, newRunFromRequest(ns, start), start);
      admitOn(eng, started.run, upd, updateId);
      return started;
    });
  } catch (e) {
    if (isServiceError(e)) throw multiFailure(e, 0);
    throw e;
  }
  const update = await wait(eng, r.run, updateId, upd.waitPolicy?.lifecycleStage, onCancel);
  return { responses: [{ startWorkflow: { runId: r.runId, started: r.started } }, { updateWorkflow: update }] };
}
