/**
 * @module Errors the service core throws. The gRPC layer maps `code` to a status; `detail` becomes
 * `grpc-status-details-bin` for the failures the client decodes.
 */
export type ServiceErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'RESOURCE_EXHAUSTED'
  | 'DEADLINE_EXCEEDED'
  | 'UNIMPLEMENTED'
  | 'INTERNAL';

export interface ErrorDetail {
  typeName: string;
  value: Record<string, unknown>;
}

export class ServiceError extends Error {
  readonly code: ServiceErrorCode;
  readonly detail: ErrorDetail | undefined;

  constructor(code: ServiceErrorCode, message: string, detail?: ErrorDetail) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.detail = detail;
  }
}

export function isServiceError(e: unknown): e is ServiceError {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'ServiceError';
}

export const invalid = (message: string): ServiceError => new ServiceError('INVALID_ARGUMENT', message);
export const notFound = (message: string): ServiceError => new ServiceError('NOT_FOUND', message);

export function namespaceNotFound(ns: string): ServiceError {
  return new ServiceError('NOT_FOUND', `namespace \`${ns}\` is not found`, {
    typeName: 'temporal.api.errordetails.v1.NamespaceNotFoundFailure',
    value: { namespace: ns },
  });
}
