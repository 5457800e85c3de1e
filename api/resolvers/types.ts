/** @module Resolver signatures (hand-written: no codegen is installed; schema.graphql stays the contract). */
import type { ApiContext } from '../context.js';

export type Resolver<TArgs = Record<string, unknown>, TResult = unknown, TParent = unknown> = (
  parent: TParent,
  args: TArgs,
  ctx: ApiContext,
) => TResult | Promise<TResult>;

export interface SubscriptionResolver<TArgs, TPayload> {
  subscribe: (parent: unknown, args: TArgs, ctx: ApiContext) => Promise<AsyncIterable<TPayload>>;
  resolve: (payload: TPayload) => TPayload;
}
