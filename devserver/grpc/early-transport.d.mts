/** Types for early-transport.mjs (plain JavaScript so it loads before tsx). */
import type * as grpc from '@grpc/grpc-js';

export declare const METHODS: Record<string, string[]>;
export declare const SYSTEM_INFO_BYTES: Buffer;

export type Dispatch = (path: string, call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => void;

export declare class EarlyTransport {
  readonly server: grpc.Server;
  constructor(opts: { maxReceiveBytes: number });
  attach(dispatch: Dispatch): void;
  bind(ip: string, port: number): Promise<{ address: string; port: number }>;
  shutdown(graceMs?: number): Promise<void>;
}
