// POST /v1/chat/completions: the metered call (see core/metered-call.ts), streamed or not.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { APP_USER_ID_MESSAGE, AppUserIdSchema } from '../../../shared/contracts/ledger-internal';
import { FleeexError } from '../../../shared/errors';
import { REQUEST_BODY_BYTES_MAX } from '../../../shared/limits';
import { prepareCall, runCompletion } from '../core/metered-call';
import { InFlightLimiter } from '../core/in-flight';
import { startStream } from '../core/metered-stream';
import { requireAppKey } from '../middleware/app-key';
import { jsonBody } from '../middleware/json-body';
import { ChatCompletionRequestSchema, ChatCompletionResponseSchema } from '../openai/chat-schemas';
import { CALLS_IN_FLIGHT_PER_KEY_MAX, type GatewayEnv } from '../services';
import { bearerSecurity, errorResponses } from './error-responses';

export const USER_HEADER = 'x-fleeex-user';
export const COST_HEADER = 'x-fleeex-cost-micros';

const route = createRoute({
  operationId: 'createChatCompletion',
  method: 'post',
  path: '/v1/chat/completions',
  summary: 'Create a chat completion, billed to the end user’s wallet',
  description:
    'OpenAI-compatible. Name the end user with the `X-Fleeex-User` header (or the `user` field). The call is refused unless that user has authorized your app. Non-streamed responses carry the charge in `usage.cost_micros` and the `x-fleeex-cost-micros` header; streamed ones in the final usage chunk (`stream_options.include_usage`).',
  security: bearerSecurity,
  middleware: [requireAppKey(), jsonBody({ bytesMax: REQUEST_BODY_BYTES_MAX })] as const,
  request: {
    body: { required: true, content: { 'application/json': { schema: ChatCompletionRequestSchema } } },
  },
  responses: {
    200: {
      description: 'The completion (JSON), or with `stream: true` a `text/event-stream` of chunks.',
      content: { 'application/json': { schema: ChatCompletionResponseSchema } },
    },
    ...errorResponses({
      400: 'Invalid request (invalid_request_error), with `param` naming the field.',
      401: 'Missing, unknown or revoked app key (invalid_api_key).',
      402: 'The wallet cannot pay for the call (insufficient_balance) or the app’s monthly cap is reached (app_cap_exceeded).',
      403: 'The user has not authorized this app (wallet_not_authorized); the message says how to ask.',
      404: 'Unknown model (model_not_found).',
      413: 'The body exceeds the size limit.',
      415: 'The body is not JSON.',
      429: 'The model provider is throttling, or this key has too many calls in flight (rate_limit_exceeded); see `retry-after`.',
      502: 'The model provider failed (upstream_error).',
      503: 'The model provider or billing is unavailable.',
      504: 'The model provider timed out.',
    }),
  },
});

/**
 * Header values reach us as one character per byte (Latin-1). The SDKs' fetch sends characters below
 * U+0100 that way, other clients send UTF-8: bytes that form valid UTF-8 are read as UTF-8 (Latin-1
 * text practically never does), so `josé` names the same user whichever a client sent, and as the field.
 */
function headerText(value: string): string {
  let nonAscii = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff) return value;
    if (code > 0x7f) nonAscii = true;
  }
  if (!nonAscii) return value;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(value, (ch) => ch.charCodeAt(0)));
  } catch {
    return value;
  }
}

function appUserIdOf(c: Context, bodyUser: string | undefined): string {
  const header = c.req.header(USER_HEADER);
  if (header !== undefined) {
    const id = headerText(header);
    // The same schema as the body's `user` field (already checked by the route's validator).
    if (!AppUserIdSchema.safeParse(id).success) {
      throw new FleeexError('invalid_request', `X-Fleeex-User: ${APP_USER_ID_MESSAGE}`, { param: 'X-Fleeex-User' });
    }
    return id;
  }
  if (bodyUser !== undefined) return bodyUser;
  throw new FleeexError(
    'invalid_request',
    'Name the end user whose wallet pays: send the X-Fleeex-User header (or the user field).',
    { param: 'user' },
  );
}

function keepAliveOf(c: Context): (work: Promise<unknown>) => void {
  let waitUntil: ((work: Promise<unknown>) => void) | undefined;
  try {
    const ctx = c.executionCtx;
    waitUntil = (work) => ctx.waitUntil(work);
  } catch {
    // No execution context (Node): services.background keeps the work alive.
  }
  return waitUntil ?? (() => {});
}

export function registerV1ChatCompletions(app: OpenAPIHono<GatewayEnv>): void {
  let limiter: InFlightLimiter | undefined;
  app.openapi(route, async (c) => {
    const services = c.get('services');
    limiter ??= new InFlightLimiter(services.limits.callsInFlightPerKeyMax ?? CALLS_IN_FLIGHT_PER_KEY_MAX);
    const request = c.req.valid('json');
    const appUserId = appUserIdOf(c, request.user);
    const releaseSlot = limiter.acquire(c.get('apiKeyHash'));
    try {
      const keepAlive = keepAliveOf(c);
      const call = await prepareCall(services, c.get('apiKeyHash'), appUserId, request, keepAlive);
      if (request.stream) {
        const stream = await startStream(services, call, request.stream_options?.include_usage === true, keepAlive, releaseSlot);
        return c.body(stream, 200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          'x-accel-buffering': 'no',
        }) as never;
      }
      const { body, chargedMicros } = await runCompletion(services, call);
      releaseSlot();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (chargedMicros !== null) headers[COST_HEADER] = String(chargedMicros);
      return c.body(JSON.stringify(body), 200, headers) as never;
    } catch (error) {
      releaseSlot();
      throw error;
    }
  });
}
