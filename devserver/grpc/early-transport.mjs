// @ts-check
/**
 * @module The gRPC transport, in plain JavaScript on purpose: `bin/temporal-dev-server` loads it
 * before tsx and the protobuf root, so the process listens and answers GetSystemInfo (the SDK's
 * readiness probe) after ~0.25 s of CPU. Messages cross it as raw bytes; decoding, handlers and
 * encoding are attached later (grpc/dispatch.ts). Calls that arrive before that wait, then run.
 */
import * as grpc from '@grpc/grpc-js';

/** Every method the service implements; dispatch.ts refuses a handler missing from this list. */
export const METHODS = {
  'temporal.api.workflowservice.v1.WorkflowService': [
    'GetSystemInfo', 'DescribeNamespace', 'ListNamespaces', 'GetSearchAttributes', 'StartWorkflowExecution',
    'SignalWithStartWorkflowExecution', 'SignalWorkflowExecution', 'RequestCancelWorkflowExecution', 'TerminateWorkflowExecution',
    'GetWorkflowExecutionHistory', 'DescribeWorkflowExecution', 'ListWorkflowExecutions', 'CountWorkflowExecutions', 'QueryWorkflow',
    'UpdateWorkflowExecution', 'PollWorkflowExecutionUpdate', 'ExecuteMultiOperation', 'PollWorkflowTaskQueue', 'PollActivityTaskQueue',
    'RespondWorkflowTaskCompleted', 'RespondWorkflowTaskFailed', 'RespondActivityTaskCompleted', 'RespondActivityTaskFailed',
    'RespondActivityTaskCanceled', 'RecordActivityTaskHeartbeat', 'RespondActivityTaskCompletedById', 'RespondActivityTaskFailedById',
    'RespondActivityTaskCanceledById', 'RecordActivityTaskHeartbeatById', 'RespondQueryTaskCompleted', 'ResetStickyTaskQueue', 'ShutdownWorker',
  ],
  'temporal.api.operatorservice.v1.OperatorService': ['AddSearchAttributes', 'RemoveSearchAttributes', 'ListSearchAttributes'],
  'temporal.api.testservice.v1.TestService': ['LockTimeSkipping', 'UnlockTimeSkipping', 'GetCurrentTime', 'UnlockTimeSkippingWithSleep', 'Sleep', 'SleepUntil'],
};

/** GetSystemInfoResponse, pre-encoded; grpc/system-info.test.ts checks it matches systemInfo(). */
export const SYSTEM_INFO_BYTES = Buffer.from('CgYxLjI0LjASDggBEAEYASgBOAFIAVAB', 'base64');
const SYSTEM_INFO_PATH = '/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo';

/** @typedef {(path: string, call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => void} Dispatch */

const identity = (/** @type {Buffer} */ b) => b;

export class EarlyTransport {
  /** @param {{ maxReceiveBytes: number }} opts */
  constructor(opts) {
    /** @type {Dispatch | undefined} */
    this.dispatch = undefined;
    /** @type {(() => void)[]} */
    this.waiting = [];
    this.server = new grpc.Server({ 'grpc.max_receive_message_length': opts.maxReceiveBytes, 'grpc.max_send_message_length': -1 });
    for (const [svc, names] of Object.entries(METHODS)) {
      /** @type {grpc.ServiceDefinition} */
      const def = {};
      /** @type {grpc.UntypedServiceImplementation} */
      const impl = {};
      for (const name of names) {
        const path = `/${svc}/${name}`;
        def[name] = { path, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity };
        impl[name] = this.gate(path);
      }
      this.server.addService(def, impl);
    }
  }

  /** @param {string} path @returns {grpc.handleUnaryCall<Buffer, Buffer>} */
  gate(path) {
    return (call, callback) => {
      if (this.dispatch) return this.dispatch(path, call, callback);
      if (path === SYSTEM_INFO_PATH) return callback(null, SYSTEM_INFO_BYTES);
      this.waiting.push(() => (this.dispatch ? this.dispatch(path, call, callback) : callback({ code: grpc.status.UNAVAILABLE, details: 'server is shutting down' })));
    };
  }

  /** Installs the real handlers and releases the calls that were waiting for them. @param {Dispatch} dispatch */
  attach(dispatch) {
    this.dispatch = dispatch;
    for (const run of this.waiting.splice(0)) run();
  }

  /** @param {string} ip @param {number} port @returns {Promise<{ address: string; port: number }>} */
  bind(ip, port) {
    const host = ip.includes(':') ? `[${ip}]` : ip;
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
        (err ? reject(err) : resolve({ address: `${host}:${bound}`, port: bound })));
    });
  }

  /** Graceful stop, forced after `graceMs`. @param {number} [graceMs] @returns {Promise<void>} */
  shutdown(graceMs = 2000) {
    for (const run of this.waiting.splice(0)) run();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
