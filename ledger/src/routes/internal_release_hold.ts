import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  HoldIdSchema,
  LEDGER_INTERNAL_BASE_PATH,
  ReleaseRequestSchema,
  ReleaseResponseSchema,
} from '../../../shared/contracts/ledger-internal';
import type { LedgerEnv } from '../http/env';
import { errorResponses, jsonBody, jsonResponse } from '../http/schemas';

const route = createRoute({
  operationId: 'internalReleaseHold',
  method: 'post',
  path: `${LEDGER_INTERNAL_BASE_PATH}/holds/{hold_id}/release`,
  tags: ['internal'],
  security: [{ serviceToken: [] }],
  summary: 'Void a pending hold (also after it expired). Idempotent.',
  request: { params: z.object({ hold_id: HoldIdSchema }), body: jsonBody(ReleaseRequestSchema) },
  responses: {
    200: jsonResponse(ReleaseResponseSchema, 'The release (the same body on a replay)'),
    ...errorResponses('invalid_request', 'unauthorized', 'hold_not_found', 'hold_already_resolved', 'ledger_unavailable'),
  },
});

export function registerInternalReleaseHold(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const { result } = await c.get('services').ledger.holds.release(c.req.valid('param').hold_id, c.req.valid('json'));
    return c.json(result, 200);
  });
}
