// The connect flow's contracts: the app-facing gateway API (`/v1/connect/...`, app key) and the
// ledger internal routes the gateway forwards to (`/internal/v1/connect/...`, service token; the
// gateway names the app it authenticated, so an app can only ever act for itself).
import { z } from 'zod';
import { AppUserIdSchema } from './ledger-internal';

export const CONNECT_STATE_CHARS_MAX = 512;
export const RETURN_URL_CHARS_MAX = 2_048;
export const MONTHLY_CAP_MICROS_MAX = 100_000_000_000;

// POST /v1/connect/sessions (gateway, app key) -> 201 ConnectSession
export const ConnectSessionRequestSchema = z.object({
  app_user_id: AppUserIdSchema,
  /** Where the owner's browser returns (`?status=approved|denied&state=...`); must be on an origin the app registered. */
  return_url: z.url({ protocol: /^https?$/ }).max(RETURN_URL_CHARS_MAX),
  /** The monthly cap the app asks for (micro-EUR); the owner may lower it. Omitted: no cap asked. */
  monthly_cap_micros: z.number().int().min(0).max(MONTHLY_CAP_MICROS_MAX).optional(),
  /** Opaque to fleeex; echoed back on the return URL (use it against CSRF on your side). */
  state: z.string().max(CONNECT_STATE_CHARS_MAX).optional(),
});
export type ConnectSessionRequest = z.infer<typeof ConnectSessionRequestSchema>;

export const ConnectSessionSchema = z.object({
  connect_url: z.url(),
  expires_at: z.iso.datetime(),
});
export type ConnectSession = z.infer<typeof ConnectSessionSchema>;

// GET /v1/connect/status?app_user_id= (gateway, app key) -> 200 ConnectStatus. Never the balance.
export const ConnectStatusQuerySchema = z.object({ app_user_id: AppUserIdSchema });

export const ConnectStatusSchema = z.object({
  app_user_id: z.string(),
  /** The owner approved this app for this user and has not revoked it. */
  connected: z.boolean(),
  /**
   * Connected, below the monthly cap, and the wallet has money available (the amount is never
   * disclosed). A call can still get 402 when what is left does not cover its minimum.
   */
  can_spend: z.boolean(),
  monthly_cap_micros: z.number().int().nullable(),
  /** What this app spent from the wallet this calendar month (UTC). */
  spent_this_month_micros: z.number().int(),
});
export type ConnectStatus = z.infer<typeof ConnectStatusSchema>;

// Ledger internal: POST /internal/v1/connect/sessions {app_id, ...ConnectSessionRequest} -> 201 ConnectSession
export const InternalConnectSessionRequestSchema = ConnectSessionRequestSchema.extend({ app_id: z.string().min(1).max(128) });
export type InternalConnectSessionRequest = z.infer<typeof InternalConnectSessionRequestSchema>;
// Ledger internal: GET /internal/v1/connect/status?app_id=&app_user_id= -> 200 ConnectStatus
export const InternalConnectStatusQuerySchema = ConnectStatusQuerySchema.extend({ app_id: z.string().min(1).max(128) });
