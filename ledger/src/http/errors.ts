// The one place ledger error codes become HTTP statuses, and the one error body shape:
// `{ error: { code, message } }` plus an `x-request-id` header. Unknown errors are logged with their
// stack and answered as a 500 that reveals nothing.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ErrorCode, FleeexError } from '../../../shared/errors';
import { MoneyError } from '../../../shared/money';
import type { LedgerEnv } from './env';

export const codeToStatus: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_request: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  method_not_allowed: 405,
  invalid_api_key: 401,
  unauthorized: 401,
  forbidden: 403,
  csrf_failed: 403,
  wallet_not_authorized: 403,
  insufficient_balance: 409,
  app_cap_exceeded: 409,
  model_not_found: 404,
  idempotency_conflict: 409,
  hold_not_found: 404,
  hold_already_resolved: 409,
  hold_expired: 409,
  price_version_conflict: 409,
  rate_limit_exceeded: 429,
  upstream_error: 502,
  upstream_unavailable: 503,
  upstream_timeout: 504,
  ledger_unavailable: 503,
  invalid_code: 400,
  code_expired: 400,
  too_many_attempts: 429,
  session_expired: 401,
  connect_session_invalid: 400,
  return_url_not_allowed: 400,
  topup_out_of_range: 400,
  webhook_signature_invalid: 400,
  internal_error: 500,
};

const HTTP_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export function errorResponse(c: Context<LedgerEnv>, code: ErrorCode, message: string): Response {
  return c.json({ error: { code, message } }, codeToStatus[code]);
}

export function onLedgerError(error: Error, c: Context<LedgerEnv>): Response {
  if (error instanceof FleeexError) {
    if (error.code === 'internal_error') console.error(`[ledger] ${c.get('requestId')} ${error.message}`);
    return errorResponse(c, error.code, error.message);
  }
  if (error instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[error.status];
    if (code) return errorResponse(c, code, error.message || code);
  }
  if (error instanceof MoneyError) return errorResponse(c, 'invalid_request', 'an amount is out of range');
  console.error(`[ledger] ${c.get('requestId')} unexpected error`, error);
  return errorResponse(c, 'internal_error', 'internal error');
}

/** zod validation failures (body, params, query) in the same shape, with a stable code. */
export function validationHook(
  result: { success: boolean; error?: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } },
  c: Context<LedgerEnv>,
): Response | undefined {
  if (result.success) return undefined;
  const issue = result.error?.issues[0];
  const where = issue?.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  return errorResponse(c, 'invalid_request', `${where}${issue?.message ?? 'invalid input'}`);
}
