/**
 * @module Handler wrapper: decodes the request bytes (a request that does not decode, or is over
 * the size limit, is INVALID_ARGUMENT, never INTERNAL, which clients retry), checks payload sizes,
 * runs the handler, encodes the response, and maps typed errors to gRPC status codes with
 * `grpc-status-details-bin` where the client decodes it. Anything unexpected becomes a logged
 * INTERNAL. It never throws.
 */
import * as grpc from '@grpc/grpc-js';
import type { Type } from 'protobufjs';
import { CONVERSION, encode, largestPayload, type Msg } from '../proto.js';
import { isServiceError, type ServiceErrorCode } from '../errors.js';
import type { Logger } from '../log.js';

export interface CallContext {
  isCancelled(): boolean;
  onCancel(cb: () => void): void;
}

export type Handler = (req: Msg, ctx: CallContext) => Msg | Promise<Msg>;
export type Unary = (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => void;

export interface WrapOptions {
  log: Logger;
  maxPayloadBytes: number;
  maxRequestBytes: number;
  /** Methods whose payloads are checked elsewhere (workflow task completion fails the task instead). */
  skipPayloadCheck?: Set<string>;
}

const CODES: Record<ServiceErrorCode, grpc.status> = {
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  NOT_FOUND: grpc.status.NOT_FOUND,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
  RESOURCE_EXHAUSTED: grpc.status.RESOURCE_EXHAUSTED,
  DEADLINE_EXCEEDED: grpc.status.DEADLINE_EXCEEDED,
  UNIMPLEMENTED: grpc.status.UNIMPLEMENTED,
  INTERNAL: grpc.status.INTERNAL,
};

function statusFor(code: grpc.status, message: string, detail?: { typeName: string; value: Msg }): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  if (detail) {
    const status = { code, message, details: [{ type_url: `type.googleapis.com/${detail.typeName}`, value: encode(detail.typeName, detail.value).toString('base64') }] };
    metadata.set('grpc-status-details-bin', encode('google.rpc.Status', status));
  }
  return { code, details: message, metadata };
}

/** Structural check (no import): keeps the visibility module, and zod, off the start-up path. */
function isVisibilityError(e: unknown): e is { code: 'INVALID_ARGUMENT' | 'ALREADY_EXISTS' | 'NOT_FOUND'; message: string } {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'VisibilityError' && typeof (e as { code?: unknown }).code === 'string';
}

export function toStatus(e: unknown, method: string, log: Logger): Partial<grpc.StatusObject> {
  if (isServiceError(e)) return statusFor(CODES[e.code], e.message, e.detail);
  if (isVisibilityError(e)) return statusFor(CODES[e.code], e.message);
  log.error({ err: e, method }, 'unexpected error in handler');
  return statusFor(grpc.status.INTERNAL, `internal error in \`${method}\``);
}

/** Decodes a request, or returns the INVALID_ARGUMENT status explaining why it cannot be used. */
function decodeRequest(method: string, buf: Buffer, Req: Type, opts: WrapOptions): { ok: Msg } | Partial<grpc.StatusObject> {
  if (buf.length > opts.maxRequestBytes) return statusFor(grpc.status.INVALID_ARGUMENT, `request of ${buf.length} bytes exceeds the ${opts.maxRequestBytes}-byte limit`);
  let req: Msg;
  try {
    req = Req.toObject(Req.decode(buf), CONVERSION) as Msg;
  } catch (e) {
    return statusFor(grpc.status.INVALID_ARGUMENT, `request is not a valid \`${Req.name}\`: ${(e as Error).message}`);
  }
  if (!opts.skipPayloadCheck?.has(method)) {
    const largest = largestPayload(req);
    if (largest > opts.maxPayloadBytes) return statusFor(grpc.status.INVALID_ARGUMENT, `a payload of ${largest} bytes exceeds the ${opts.maxPayloadBytes}-byte limit`);
  }
  return { ok: req };
}

export function wrap(method: string, handler: Handler, opts: WrapOptions, Req: Type, Res: Type): Unary {
  return (call, callback) => {
    let done = false;
    const reply = (err: Partial<grpc.StatusObject> | null, res?: Buffer): void => {
      if (done || call.cancelled) return;
      done = true;
      try {
        if (err) callback(err as grpc.ServiceError);
        else callback(null, res);
      } catch (e) {
        opts.log.error({ err: e, method }, 'failed to send a response');
      }
    };
    const decoded = decodeRequest(method, call.request, Req, opts);
    if (!('ok' in decoded)) return reply(decoded);
    const ctx: CallContext = { isCancelled: () => call.cancelled, onCancel: (cb) => call.on('cancelled', cb) };
    new Promise<Msg>((resolve) => resolve(handler(decoded.ok, ctx))).then(
      (res) => {
        let out: Buffer;
        try {
          out = Buffer.from(Res.encode(Res.fromObject(res)).finish());
        } catch (e) {
          return reply(toStatus(e, method, opts.log));
        }
        reply(null, out);
      },
      (e: unknown) => reply(toStatus(e, method, opts.log)),
    );
  };
}
