/**
 * @module Binds handler sets to the byte-level transport: each method gets its request and
 * response types from the protobufjs reflection root (no codegen) and the handler wrapper.
 */
import * as grpc from '@grpc/grpc-js';
import { lookupService } from '../proto.js';
import { METHODS, type Dispatch } from './early-transport.mjs';
import { wrap, type Handler, type Unary, type WrapOptions } from './wrap.js';

export type HandlerSet = Record<string, Record<string, Handler>>;

export function createDispatch(handlers: HandlerSet, opts: WrapOptions): Dispatch {
  const map = new Map<string, Unary>();
  for (const [svc, methods] of Object.entries(handlers)) {
    const service = lookupService(svc);
    for (const [name, handler] of Object.entries(methods)) {
      const m = service.methods[name];
      if (!m || !METHODS[svc]?.includes(name)) throw new Error(`method ${svc}/${name} is not registered in grpc/early-transport.mjs`);
      m.resolve();
      map.set(`/${svc}/${name}`, wrap(name, handler, opts, m.resolvedRequestType!, m.resolvedResponseType!));
    }
  }
  return (path, call, callback) => {
    const h = map.get(path);
    if (h) h(call, callback);
    else callback({ code: grpc.status.UNIMPLEMENTED, details: `The server does not implement the method ${path}` });
  };
}
