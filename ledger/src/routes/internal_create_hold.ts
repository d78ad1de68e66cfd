import { type OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { HoldRequestSchema, HoldResponseSchema, LEDGER_INTERNAL_BASE_PATH } from '../../../shared/contracts/ledger-internal';
import type { LedgerEnv } from '../http/env';
import { errorResponses, jsonBody, jsonResponse } from '../http/schemas';

const route = createRoute({
  operationId: 'internalCreateHold',
  method: 'post',
  path: `${LEDGER_INTERNAL_BASE_PATH}/holds`,
  tags: ['internal'],
  security: [{ serviceToken: [] }],
  summary: 'Reserve the worst-case cost of a call (the output tokens are clamped to what the wallet and cap afford)',
  request: { body: jsonBody(HoldRequestSchema) },
  responses: {
    201: jsonResponse(HoldResponseSchema, 'The hold'),
    200: jsonResponse(HoldResponseSchema, 'The same hold, on a replay'),
    ...errorResponses(
      'invalid_request',
      'unauthorized',
      'invalid_api_key',
      'wallet_not_authorized',
      'insufficient_balance',
      'app_cap_exceeded',
      'model_not_found',
      'idempotency_conflict',
      'ledger_unavailable',
    ),
  },
});

export function registerInternalCreateHold(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const { result, replayed } = await c.get('services').ledger.holds.hold(c.req.valid('json'));
    return c.json(result, replayed ? 200 : 201);
  });
}
