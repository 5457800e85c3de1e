/** @module A tiny GraphQL client over fetch: bearer key, JSON in and out, errors as ApiError. */
import { ApiError, fromGraphQLError, toApiError } from './errors.js';

export const GRAPHQL_PATH = '/graphql';

export interface GraphQLClient {
  request<T>(query: string, variables?: Record<string, unknown>, signal?: AbortSignal): Promise<T>;
  readonly token: string;
}

interface Envelope<T> {
  data?: T | null;
  errors?: { message?: unknown; extensions?: { code?: unknown; issues?: unknown } }[];
}

/** A client that sends `Authorization: Bearer <token>`; the first GraphQL error becomes the thrown ApiError. */
export function createClient(token: string, onUnauthenticated?: () => void): GraphQLClient {
  async function request<T>(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
    let body: Envelope<T>;
    try {
      const res = await fetch(GRAPHQL_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
        signal,
      });
      body = (await res.json()) as Envelope<T>;
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw toApiError(e instanceof SyntaxError ? new Error('bad response') : e);
    }
    const first = body.errors?.[0];
    if (first) {
      const err = fromGraphQLError(first);
      if (err.code === 'UNAUTHENTICATED') onUnauthenticated?.();
      throw err;
    }
    if (!body.data) throw new ApiError('UNKNOWN', null);
    return body.data;
  }
  return { request, token };
}
