// The contract between the gateway and the ledger's internal API (service-token authenticated).
// The gateway never writes money: it asks the ledger to hold, capture and release.
// Base path: /internal/v1. Every request: `Authorization: Bearer <FLEEEX_SERVICE_TOKEN>`.
// Every error: HTTP status + `{ error: { code: ErrorCode, message: string } }` (LedgerErrorBodySchema).
import { z } from 'zod';
import { ERROR_CODES } from '../errors';
import { APP_USER_ID_CHARS_MAX, IDEMPOTENCY_KEY_CHARS_MAX, OUTPUT_TOKENS_REQUEST_MAX } from '../limits';
import { ModelPriceSchema } from '../pricing';

export const LEDGER_INTERNAL_BASE_PATH = '/internal/v1';

const micros = z.number().int();
const tokens = z.number().int().min(0).max(100_000_000);

/** Caller-generated ids double as idempotency keys: generated and persisted before the call. */
export const HoldIdSchema = z
  .string()
  .min(8)
  .max(IDEMPOTENCY_KEY_CHARS_MAX)
  .regex(/^[A-Za-z0-9_-]+$/);

/** SHA-256 of the whole app key, lowercase hex. The raw key never leaves the gateway. */
export const ApiKeyHashSchema = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * The id an app gives one of its users, named the same way everywhere: the chat route (the
 * `X-Fleeex-User` header or the `user` field), holds, grants and the connect flow. Control characters
 * and surrounding whitespace are refused: a header cannot carry them (HTTP trims the one, forbids the
 * other), so an id holding them would name a user no header could ever name.
 */
export const APP_USER_ID_MESSAGE = `must be 1 to ${APP_USER_ID_CHARS_MAX} characters, without control characters or surrounding whitespace`;
export const AppUserIdSchema = z
  .string({ error: APP_USER_ID_MESSAGE })
  .min(1, { error: APP_USER_ID_MESSAGE })
  .max(APP_USER_ID_CHARS_MAX, { error: APP_USER_ID_MESSAGE })
  // A refinement, not a pattern: \p{Cc} needs the u flag, which an OpenAPI pattern cannot carry.
  .refine((id) => id.trim() === id && !/\p{Cc}/u.test(id), { error: APP_USER_ID_MESSAGE });

// POST /internal/v1/holds  -> 201 HoldResponse (200 with the same body on replay)
export const HoldRequestSchema = z.object({
  hold_id: HoldIdSchema,
  api_key_hash: ApiKeyHashSchema,
  app_user_id: AppUserIdSchema,
  model: z.string().min(1).max(128),
  input_tokens_estimate: tokens,
  output_tokens_max: z.number().int().min(1).max(OUTPUT_TOKENS_REQUEST_MAX),
});
export type HoldRequest = z.infer<typeof HoldRequestSchema>;

export const HoldResponseSchema = z.object({
  hold_id: HoldIdSchema,
  app_id: z.string(),
  wallet_id: z.string(),
  model: z.string(),
  price_version: z.number().int().min(1),
  amount_micros: micros,
  /** What the gateway must pass to the model as maxTokens: <= requested, clamped to what the wallet and cap afford. */
  output_tokens_max: z.number().int().min(1),
  input_tokens_estimate: tokens,
  expires_at: z.iso.datetime(),
});
export type HoldResponse = z.infer<typeof HoldResponseSchema>;

// POST /internal/v1/holds/{hold_id}/capture -> 200 CaptureResponse (same body on replay)
export const CaptureRequestSchema = z.object({
  input_tokens: tokens,
  output_tokens: tokens,
  cache_read_input_tokens: tokens.default(0),
  cache_write_input_tokens: tokens.default(0),
  /** 'provider' when Bedrock reported usage; 'estimate' when the gateway counted what it relayed. */
  usage_source: z.enum(['provider', 'estimate']),
});
export type CaptureRequest = z.input<typeof CaptureRequestSchema>;

export const CaptureResponseSchema = z.object({
  hold_id: HoldIdSchema,
  status: z.literal('captured'),
  entry_id: z.string().nullable(),
  price_version: z.number().int().min(1),
  /** The priced cost of the usage (provider cost + margin). */
  cost_micros: micros,
  /** What actually left the wallet: cost, or less when the wallet could not cover it. Report this to users. */
  charged_micros: micros,
  /** cost - charged: recorded as a write-off entry, never a negative balance. */
  written_off_micros: micros,
  /** hold amount - charged, returned to the wallet's available amount. */
  released_micros: micros,
  balance_after_micros: micros,
});
export type CaptureResponse = z.infer<typeof CaptureResponseSchema>;

// POST /internal/v1/holds/{hold_id}/release -> 200 ReleaseResponse (same body on replay)
export const ReleaseRequestSchema = z.object({
  reason: z.enum(['upstream_error', 'client_cancelled', 'expired', 'gateway_error']),
});
export type ReleaseRequest = z.infer<typeof ReleaseRequestSchema>;

export const ReleaseResponseSchema = z.object({
  hold_id: HoldIdSchema,
  status: z.literal('released'),
  released_micros: micros,
});
export type ReleaseResponse = z.infer<typeof ReleaseResponseSchema>;

// POST /internal/v1/apps/authenticate -> 200 AppIdentity | 401 invalid_api_key
// For gateway routes that move no money (models list, connect). Cacheable for APP_KEY_CACHE_TTL_MS.
export const AuthenticateRequestSchema = z.object({ api_key_hash: ApiKeyHashSchema });
export const AppIdentitySchema = z.object({ app_id: z.string(), app_name: z.string(), key_id: z.string() });
export type AppIdentity = z.infer<typeof AppIdentitySchema>;

// GET /internal/v1/prices/current -> 200 CurrentPrices
export const CurrentPricesSchema = z.object({
  version: z.number().int().min(1),
  effective_from: z.iso.datetime(),
  models: z.array(ModelPriceSchema),
});
export type CurrentPrices = z.infer<typeof CurrentPricesSchema>;

export const LedgerErrorBodySchema = z.object({
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
});
export type LedgerErrorBody = z.infer<typeof LedgerErrorBodySchema>;
