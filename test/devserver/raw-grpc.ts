/**
 * @module A raw gRPC client for WorkflowService that sends bytes as they are (identity
 * serializers), and fast-check inputs for it: random bytes and truncated or corrupted valid requests.
 */
import { Metadata, credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import type { Client as GrpcClient, ServiceDefinition, ServiceError } from '@grpc/grpc-js';
import { temporal } from '@temporalio/proto';
import fc from 'fast-check';
import { encodePayloads } from './history.js';

/** Paths that answer at once (no long polls), so a fuzz run stays short. */
export const RAW_METHODS = [
  'StartWorkflowExecution',
  'SignalWorkflowExecution',
  'SignalWithStartWorkflowExecution',
  'QueryWorkflow',
  'DescribeWorkflowExecution',
  'GetWorkflowExecutionHistory',
  'RespondWorkflowTaskCompleted',
  'RespondActivityTaskCompleted',
  'ListWorkflowExecutions',
] as const;

export type RawMethod = (typeof RAW_METHODS)[number];

export interface RawClient {
  /** Sends `bytes` to `method` and resolves with the final status code (0 on success). */
  call(method: RawMethod, bytes: Uint8Array, deadlineMs: number): Promise<number>;
  close(): void;
}

const identity = (b: Buffer): Buffer => b;

function definition(): ServiceDefinition {
  const entries = RAW_METHODS.map((m) => [
    m,
    {
      path: `/temporal.api.workflowservice.v1.WorkflowService/${m}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  ]);
  return Object.fromEntries(entries) as ServiceDefinition;
}

type Unary = (req: Buffer, md: Metadata, opts: { deadline: number }, cb: (err: ServiceError | null) => void) => void;

export function createRawClient(address: string): RawClient {
  const Ctor = makeGenericClientConstructor(definition(), 'WorkflowService');
  const client = new Ctor(address, credentials.createInsecure()) as unknown as GrpcClient & Record<RawMethod, Unary>;
  return {
    call: (method, bytes, deadlineMs) =>
      new Promise((resolve) => {
        const fn = client[method].bind(client);
        fn(Buffer.from(bytes), new Metadata(), { deadline: Date.now() + deadlineMs }, (err) => resolve(err ? err.code : 0));
      }),
    close: () => client.close(),
  };
}

/** Encoded requests that are valid, to be cut short or corrupted by the fuzzer. */
function validRequests(): Uint8Array[] {
  const v1 = temporal.api.workflowservice.v1;
  const start = {
    namespace: 'default',
    workflowId: 'fuzz-target',
    workflowType: { name: 'quick' },
    taskQueue: { name: 'fuzz-nobody' },
    input: encodePayloads('fuzz'),
    requestId: '3f1c2a8e-6f9b-4a51-9d7e-0c2b5e8a1f44',
  };
  return [
    v1.StartWorkflowExecutionRequest.encode(start).finish(),
    v1.SignalWorkflowExecutionRequest.encode({ namespace: 'default', workflowExecution: { workflowId: 'fuzz-target' }, signalName: 'add', input: encodePayloads('fuzz') }).finish(),
    v1.QueryWorkflowRequest.encode({ namespace: 'default', execution: { workflowId: 'fuzz-target' }, query: { queryType: 'total' } }).finish(),
    v1.ListWorkflowExecutionsRequest.encode({ namespace: 'default', query: "WorkflowType = 'quick'" }).finish(),
  ];
}

/** Random bytes, valid requests cut at a random length, and valid requests with one byte changed. */
export function fuzzInputs(): fc.Arbitrary<Uint8Array> {
  const valid = fc.constantFrom(...validRequests());
  const truncated = fc.tuple(valid, fc.nat()).map(([b, n]) => b.subarray(0, n % (b.length + 1)));
  const corrupted = fc.tuple(valid, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, i, x]) => {
    const copy = Uint8Array.from(b);
    copy[i % copy.length] = x;
    return copy;
  });
  return fc.oneof(fc.uint8Array({ maxLength: 512 }), truncated, corrupted);
}
