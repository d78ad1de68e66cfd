// The LedgerPort over the ledger's internal HTTP API (shared/contracts/ledger-internal.ts), on fetch
// so it runs unchanged on Node and workerd. Every call is safe to retry: holds, captures and releases
// are keyed by the caller-generated hold_id, generated before the first attempt, and the ledger
// replays the stored answer. Retries cover network failures, timeouts and 5xx, with bounded attempts
// and backoff; 4xx answers are final and surface as FleeexError with the ledger's code.
import { FleeexError, isErrorCode } from '../../../shared/errors';
import {
  type AppIdentity,
  AppIdentitySchema,
  type CaptureResponse,
  CaptureResponseSchema,
  type CurrentPrices,
  CurrentPricesSchema,
  type HoldResponse,
  HoldResponseSchema,
  LEDGER_INTERNAL_BASE_PATH,
  type ReleaseResponse,
  ReleaseResponseSchema,
} from '../../../shared/contracts/ledger-internal';
import { ConnectSessionSchema, ConnectStatusSchema } from '../../../shared/contracts/connect';
import { AppUsageSchema } from '../../../shared/contracts/usage';
import { APP_KEY_CACHE_TTL_MS, LEDGER_REQUEST_TIMEOUT_MS, LEDGER_RETRIES_MAX, PRICE_TABLE_CACHE_TTL_MS } from '../../../shared/limits';
import type { LedgerPort } from './ledger-port';
import { fetchTransport, type LedgerTransport, type TransportResponse } from './transport';

/** A hold sits in front of the caller's first token: give up sooner than for a capture. */
export const HOLD_ATTEMPTS_MAX = 3;
/** Captures and releases settle money already spent upstream: try hard. */
export const SETTLE_ATTEMPTS_MAX = LEDGER_RETRIES_MAX;
export const RETRY_BACKOFF_BASE_MS = 50;
export const RETRY_BACKOFF_MAX_MS = 2_000;
const APP_KEY_CACHE_ENTRIES_MAX = 10_000;

export interface HttpLedgerClientOptions {
  baseUrl: string;
  serviceToken: string;
  /** Default: fetch (any runtime). The Node entry passes nodeHttpTransport(). */
  transport?: LedgerTransport;
  requestTimeoutMs?: number;
}

interface ZodLike<T> {
  parse(value: unknown): T;
}

export function httpLedgerClient(options: HttpLedgerClientOptions): LedgerPort {
  const base = options.baseUrl.replace(/\/+$/, '') + LEDGER_INTERNAL_BASE_PATH;
  const transport = options.transport ?? fetchTransport;
  const timeoutMs = options.requestTimeoutMs ?? LEDGER_REQUEST_TIMEOUT_MS;
  const headers = { authorization: `Bearer ${options.serviceToken}`, 'content-type': 'application/json' };

  /**
   * `settle`: captures and releases, which must land, retry on every 5xx. Other calls retry only when
   * no ledger answered (network, timeout, a proxy's 5xx): a ledger that says it is busy has already
   * retried inside, and the caller gets 503 with retry-after rather than a slower failure.
   */
  async function call<T>(method: 'GET' | 'POST', path: string, body: unknown, schema: ZodLike<T>, attemptsMax: number, settle = false): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let lastError: unknown;
    for (let attempt = 1; attempt <= attemptsMax; attempt++) {
      if (attempt > 1) await delay(Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_BASE_MS * 2 ** (attempt - 2)));
      let response: TransportResponse;
      try {
        response = await transport(base + path, { method, headers, body: payload, timeoutMs });
      } catch (error) {
        lastError = error;
        continue;
      }
      const json = parseJson(response.text);
      if (response.status >= 200 && response.status < 300) return schema.parse(json);
      const error = ledgerError(json, response.status);
      if (response.status >= 500 && (settle || error.code === 'internal_error')) {
        lastError = error;
        continue;
      }
      throw error;
    }
    throw new FleeexError('ledger_unavailable', 'Billing is temporarily unavailable; retry shortly.', {
      retryAfterSeconds: 1,
      cause: String(lastError),
    });
  }

  const keyCache = new Map<string, { identity: AppIdentity; expiresAt: number }>();
  let prices: { value: Promise<CurrentPrices>; expiresAt: number } | undefined;

  return {
    hold: (request) => call('POST', '/holds', request, HoldResponseSchema, HOLD_ATTEMPTS_MAX) as Promise<HoldResponse>,
    capture: (holdId, request) =>
      call('POST', `/holds/${encodeURIComponent(holdId)}/capture`, request, CaptureResponseSchema, SETTLE_ATTEMPTS_MAX, true) as Promise<CaptureResponse>,
    release: (holdId, request) =>
      call('POST', `/holds/${encodeURIComponent(holdId)}/release`, request, ReleaseResponseSchema, SETTLE_ATTEMPTS_MAX, true) as Promise<ReleaseResponse>,
    async authenticate(apiKeyHash) {
      const now = Date.now();
      const cached = keyCache.get(apiKeyHash);
      if (cached && cached.expiresAt > now) return cached.identity;
      const identity = await call('POST', '/apps/authenticate', { api_key_hash: apiKeyHash }, AppIdentitySchema, HOLD_ATTEMPTS_MAX);
      if (keyCache.size >= APP_KEY_CACHE_ENTRIES_MAX) keyCache.clear();
      keyCache.set(apiKeyHash, { identity, expiresAt: now + APP_KEY_CACHE_TTL_MS });
      return identity;
    },
    currentPrices() {
      const now = Date.now();
      if (!prices || prices.expiresAt <= now) {
        const value = call('GET', '/prices/current', undefined, CurrentPricesSchema, HOLD_ATTEMPTS_MAX) as Promise<CurrentPrices>;
        prices = { value, expiresAt: now + PRICE_TABLE_CACHE_TTL_MS };
        // A failed fetch must not be cached for the whole TTL.
        value.catch(() => {
          if (prices?.value === value) prices = undefined;
        });
      }
      return prices.value;
    },
    // Creating a connect session is not idempotent (each call mints a new link): one attempt only.
    createConnectSession: (request) => call('POST', '/connect/sessions', request, ConnectSessionSchema, 1),
    connectStatus: (appId, appUserId) =>
      call('GET', `/connect/status?${new URLSearchParams({ app_id: appId, app_user_id: appUserId })}`, undefined, ConnectStatusSchema, HOLD_ATTEMPTS_MAX),
    appUsage: (appId, query) =>
      call('GET', `/apps/${encodeURIComponent(appId)}/usage?${new URLSearchParams(query)}`, undefined, AppUsageSchema, HOLD_ATTEMPTS_MAX),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function ledgerError(json: unknown, status: number): FleeexError {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (error && isErrorCode(error.code) && typeof error.message === 'string') {
    // The ledger refusing the gateway itself (service token) is an operator problem, not the caller's.
    if (error.code === 'unauthorized' || error.code === 'forbidden') {
      return new FleeexError('ledger_unavailable', 'Billing is temporarily unavailable; retry shortly.');
    }
    return new FleeexError(error.code, error.message);
  }
  return new FleeexError('internal_error', `Unexpected ledger answer (${status}).`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
