// The closed set of error codes fleeex answers with. Each service maps codes to HTTP statuses in
// exactly one place (gateway: OpenAI-shaped errors; ledger: `{error:{code,message}}`).
// Add a code here before using it anywhere; never reuse a code for a different meaning.

export const ERROR_CODES = [
  // the caller's input
  'invalid_request',
  'payload_too_large',
  'unsupported_media_type',
  'not_found',
  'method_not_allowed',
  // identity and permission
  'invalid_api_key',
  'unauthorized',
  'forbidden',
  'csrf_failed',
  'wallet_not_authorized',
  // money
  'insufficient_balance',
  'app_cap_exceeded',
  'model_not_found',
  'idempotency_conflict',
  'hold_not_found',
  'hold_already_resolved',
  'hold_expired',
  'price_version_conflict',
  // rate and upstream
  'rate_limit_exceeded',
  'upstream_error',
  'upstream_unavailable',
  'upstream_timeout',
  'ledger_unavailable',
  // owner flows (sign-in, connect, top-ups)
  'invalid_code',
  'code_expired',
  'too_many_attempts',
  'session_expired',
  'connect_session_invalid',
  'return_url_not_allowed',
  'topup_out_of_range',
  'webhook_signature_invalid',
  // everything else: a bug or an outage, never the caller's fault
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An operating error as a value: a stable code, a message safe to show the caller, optional detail. */
export class FleeexError extends Error {
  override name = 'FleeexError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { param?: string | null; retryAfterSeconds?: number; [key: string]: unknown } = {},
  ) {
    super(message);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
