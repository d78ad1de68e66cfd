import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { LEDGER_INTERNAL_BASE_PATH } from '../../../../shared/contracts/ledger-internal';
import { AppUsageSchema, UsageQuerySchema } from '../../../../shared/contracts/usage';
import type { LedgerEnv } from '../../http/env';
import { IdParam, errorResponses, jsonResponse } from '../../http/schemas';
import type { JobRouteServices } from './services';

const route = createRoute({
  operationId: 'internalGetAppUsage',
  method: 'get',
  path: `${LEDGER_INTERNAL_BASE_PATH}/apps/{app_id}/usage`,
  tags: ['internal'],
  security: [{ serviceToken: [] }],
  summary: "An app's own usage (no provider cost or margin), for the gateway's GET /v1/usage",
  request: { params: z.object({ app_id: IdParam }), query: UsageQuerySchema },
  responses: {
    200: jsonResponse(AppUsageSchema, 'The usage report'),
    ...errorResponses('invalid_request', 'unauthorized'),
  },
});

export function registerInternalGetAppUsage(app: OpenAPIHono<LedgerEnv>, services: JobRouteServices) {
  app.openapi(route, async (c) => c.json(await services.usage.appUsage(c.req.valid('param').app_id, c.req.valid('query')), 200));
}
