import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  CaptureRequestSchema,
  CaptureResponseSchema,
  HoldIdSchema,
  LEDGER_INTERNAL_BASE_PATH,
} from '../../../shared/contracts/ledger-internal';
import type { LedgerEnv } from '../http/env';
import { errorResponses, jsonBody, jsonResponse } from '../http/schemas';

const route = createRoute({
  operationId: 'internalCaptureHold',
  method: 'post',
  path: `${LEDGER_INTERNAL_BASE_PATH}/holds/{hold_id}/capture`,
  tags: ['internal'],
  security: [{ serviceToken: [] }],
  summary: 'Post the actual usage of a hold (at most once) and release the rest',
  request: { params: z.object({ hold_id: HoldIdSchema }), body: jsonBody(CaptureRequestSchema) },
  responses: {
    200: jsonResponse(CaptureResponseSchema, 'The capture (the same body on a replay)'),
    ...errorResponses('invalid_request', 'unauthorized', 'hold_not_found', 'hold_already_resolved', 'hold_expired', 'idempotency_conflict', 'ledger_unavailable'),
  },
});

export function registerInternalCaptureHold(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const { result } = await c.get('services').ledger.holds.capture(c.req.valid('param').hold_id, c.req.valid('json'));
    return c.json(result, 200);
  });
}
