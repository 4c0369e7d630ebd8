import { randomUUID } from 'node:crypto';
import { PierError } from '../../errors/PierError';
import { HTTP_STATUS_BY_ERROR_CODE, type ApiError, type ErrorCode, type ErrorDetail } from '../../../shared/management';

/**
 * A management-API error on its way to the client. Handlers throw it from deep validation and
 * the router turns it into the wire body `{error_code, message, details}`; nothing else is thrown
 * on purpose, so any other exception becomes a 500 INTERNAL_ERROR.
 */
export class ApiFailure extends PierError {
  override name = 'ApiFailure';
  constructor(
    readonly errorCode: ErrorCode,
    message: string,
    readonly errorDetails: ErrorDetail[] = [],
  ) {
    super(`LOCAL_${errorCode}`, message);
  }

  /** The service's status for its error_code (its own table in shared/management). */
  override get status(): number {
    return HTTP_STATUS_BY_ERROR_CODE[this.errorCode] ?? 500;
  }

  get httpStatus(): number {
    return this.status;
  }

  toBody(): ApiError {
    return { error_code: this.errorCode, message: this.message, details: this.errorDetails };
  }
}

export const invalidParameter = (message: string) => new ApiFailure('INVALID_PARAMETER_VALUE', message);

export const requiredField = (field: string) =>
  new ApiFailure('INVALID_PARAMETER_VALUE', `Field '${field}' is required, expected non-default value (not "")!`);

/** The service's 404, e.g. `role not found; role_id:"app-owner" [TraceId: …]` (kind in lower case, as it writes it). */
export const notFound = (kind: string, field: string, id: string) =>
  new ApiFailure('NOT_FOUND', `${kind.toLowerCase()} not found; ${field}:"${id}" [TraceId: ${randomUUID()}]`);

export const alreadyExists = (kind: string, name: string) =>
  new ApiFailure('ALREADY_EXISTS', `${kind} ${name} already exists. Choose another id, or pass replace_existing=true to update it.`);

/** The real service's refusal to delete what a parent manages (root branch, read-write endpoint). */
export const managedByParent = (message: string) =>
  new ApiFailure('BAD_REQUEST', message, [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      domain: 'databricks.com',
      reason: 'RESOURCE_CONFLICT',
      metadata: { declarative_context: 'MANAGED_BY_PARENT' },
    },
    { '@type': 'type.googleapis.com/google.rpc.RequestInfo', request_id: randomUUID(), serving_data: '' },
  ]);
