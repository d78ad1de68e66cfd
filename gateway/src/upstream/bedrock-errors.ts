// Bedrock failures -> fleeex error codes. Messages of caller mistakes (validation) pass through, as
// they describe the caller's own input; everything else is summarised without provider internals.
import { FleeexError } from '../../../shared/errors';

/** What a caller is told to wait after Bedrock throttles, when Bedrock does not say. */
export const THROTTLE_RETRY_AFTER_SECONDS = 2;

/** Socket errors meaning the provider could not be reached or dropped the connection: transient, 503. */
const CONNECTION_LOST_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE']);

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

export function mapBedrockError(error: unknown): FleeexError {
  if (error instanceof FleeexError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorLike;
  // Before the name: the SDK's Node handler names a reset socket ('socket hang up') TimeoutError.
  if (e.code !== undefined && CONNECTION_LOST_CODES.has(e.code)) {
    return new FleeexError('upstream_unavailable', 'The connection to the model provider was lost; retry shortly.');
  }
  switch (e.name) {
    case 'ThrottlingException':
    case 'ServiceQuotaExceededException':
    case 'ModelNotReadyException':
      return new FleeexError('rate_limit_exceeded', 'The model provider is throttling requests; retry shortly.', {
        retryAfterSeconds: THROTTLE_RETRY_AFTER_SECONDS,
      });
    case 'ValidationException':
      return new FleeexError('invalid_request', `The model rejected the request: ${e.message ?? 'validation failed'}`);
    case 'ServiceUnavailableException':
      return new FleeexError('upstream_unavailable', 'The model provider is unavailable; retry shortly.');
    case 'ModelTimeoutException':
    case 'TimeoutError':
      return new FleeexError('upstream_timeout', 'The model provider timed out.');
    case 'AbortError':
      return new FleeexError('upstream_timeout', 'The model call was stopped: no response within the time limit.');
    case 'InternalServerException':
    case 'ModelStreamErrorException':
    case 'ModelErrorException':
      return new FleeexError('upstream_error', 'The model provider failed while answering.');
    case 'AccessDeniedException':
    case 'ResourceNotFoundException':
    case 'UnrecognizedClientException':
      // The operator's configuration (credentials, model access), not the caller's request.
      return new FleeexError('upstream_error', 'The model provider refused the gateway; the operator has been notified.');
  }
  const status = e.$metadata?.httpStatusCode;
  if (status === 429) return new FleeexError('rate_limit_exceeded', 'The model provider is throttling requests; retry shortly.', { retryAfterSeconds: THROTTLE_RETRY_AFTER_SECONDS });
  if (status === 503) {
    return new FleeexError('upstream_unavailable', 'The model provider is unavailable; retry shortly.');
  }
  return new FleeexError('upstream_error', 'The model provider failed while answering.');
}
