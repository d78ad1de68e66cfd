// The one place the gateway turns an ErrorCode into an HTTP status and an OpenAI error `type`.
// Every error response is `{error:{message,type,param,code}}` with the request id header; internals
// (stack traces, upstream hostnames, ledger details) never reach the caller.
import { type ErrorCode, FleeexError } from '../../shared/errors';

export type OpenAiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'insufficient_balance_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'upstream_error'
  | 'api_error';

interface ErrorMapping {
  status: 400 | 401 | 402 | 403 | 404 | 405 | 409 | 410 | 413 | 415 | 429 | 500 | 502 | 503 | 504;
  type: OpenAiErrorType;
}

const CODE_TO_HTTP: { readonly [code in ErrorCode]: ErrorMapping } = {
  invalid_request: { status: 400, type: 'invalid_request_error' },
  payload_too_large: { status: 413, type: 'invalid_request_error' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error' },
  not_found: { status: 404, type: 'not_found_error' },
  method_not_allowed: { status: 405, type: 'invalid_request_error' },
  invalid_api_key: { status: 401, type: 'authentication_error' },
  unauthorized: { status: 401, type: 'authentication_error' },
  forbidden: { status: 403, type: 'permission_error' },
  csrf_failed: { status: 403, type: 'permission_error' },
  wallet_not_authorized: { status: 403, type: 'permission_error' },
  insufficient_balance: { status: 402, type: 'insufficient_balance_error' },
  app_cap_exceeded: { status: 402, type: 'insufficient_balance_error' },
  model_not_found: { status: 404, type: 'not_found_error' },
  idempotency_conflict: { status: 409, type: 'invalid_request_error' },
  // Hold states are the gateway's own business with the ledger: seeing one here is a bug.
  hold_not_found: { status: 500, type: 'api_error' },
  hold_already_resolved: { status: 500, type: 'api_error' },
  hold_expired: { status: 500, type: 'api_error' },
  price_version_conflict: { status: 409, type: 'invalid_request_error' },
  rate_limit_exceeded: { status: 429, type: 'rate_limit_error' },
  upstream_error: { status: 502, type: 'upstream_error' },
  upstream_unavailable: { status: 503, type: 'upstream_error' },
  upstream_timeout: { status: 504, type: 'upstream_error' },
  ledger_unavailable: { status: 503, type: 'api_error' },
  invalid_code: { status: 400, type: 'invalid_request_error' },
  code_expired: { status: 400, type: 'invalid_request_error' },
  too_many_attempts: { status: 429, type: 'rate_limit_error' },
  session_expired: { status: 401, type: 'authentication_error' },
  connect_session_invalid: { status: 400, type: 'invalid_request_error' },
  return_url_not_allowed: { status: 400, type: 'invalid_request_error' },
  topup_out_of_range: { status: 400, type: 'invalid_request_error' },
  webhook_signature_invalid: { status: 400, type: 'invalid_request_error' },
  internal_error: { status: 500, type: 'api_error' },
};

export function errorMapping(code: ErrorCode): ErrorMapping {
  return CODE_TO_HTTP[code];
}

/** Seconds a client should wait before retrying a 429 or 503 when the cause does not say. */
export const RETRY_AFTER_SECONDS_DEFAULT = 1;

/** How the owner of an unauthorized wallet can grant access: appended to every wallet_not_authorized. */
export const CONNECT_HINT =
  'Send the user through the connect flow: create a session with POST /v1/connect/sessions (with this app key) and open the returned URL, where the wallet owner authorizes this app and sets a monthly cap.';

export interface ErrorResponseParts {
  status: ErrorMapping['status'];
  headers: Record<string, string>;
  /** The serialized `{error:{...}}` body. */
  body: string;
}

/** `this user has not authorized this app` -> `This user has not authorized this app.` */
function asSentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  const capitalised = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

export const INTERNAL_ERROR_MESSAGE = 'Internal error. Quote the x-request-id header if you contact support.';

/** Turns any thrown value into the OpenAI error shape. Unknown errors become a bare 500. */
export function toErrorResponse(error: unknown): ErrorResponseParts {
  const fleeex = error instanceof FleeexError ? error : new FleeexError('internal_error', INTERNAL_ERROR_MESSAGE);
  const { status, type } = CODE_TO_HTTP[fleeex.code];
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 402 || status === 403) headers['x-should-retry'] = 'false';
  if (status === 429 || status === 503) {
    const retryAfter = fleeex.details.retryAfterSeconds ?? RETRY_AFTER_SECONDS_DEFAULT;
    headers['retry-after'] = String(Math.max(0, Math.ceil(retryAfter)));
  }
  // A 500 is our fault and its message may carry internals (ledger ids, states): callers get a fixed text
  // and the request id; the detail stays in our logs.
  const message =
    status === 500
      ? INTERNAL_ERROR_MESSAGE
      : fleeex.code === 'wallet_not_authorized'
        ? `${asSentence(fleeex.message)} ${CONNECT_HINT}`
        : fleeex.message;
  const body = JSON.stringify({ error: { message, type, param: fleeex.details.param ?? null, code: fleeex.code } });
  return { status, headers, body };
}

/** The same error as an SSE frame, for failures after a stream has started. */
export function toErrorEvent(error: unknown): string {
  return `data: ${toErrorResponse(error).body}\n\n`;
}
