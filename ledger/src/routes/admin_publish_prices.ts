import { type OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { PriceVersionInputSchema, PriceVersionSchema } from '../../../shared/pricing';
import type { LedgerEnv } from '../http/env';
import { errorResponses, jsonBody, jsonResponse } from '../http/schemas';

const route = createRoute({
  operationId: 'adminPublishPrices',
  method: 'post',
  path: '/admin/prices',
  tags: ['admin'],
  security: [{ adminToken: [] }],
  summary: 'Publish a new, immutable price version',
  request: { body: jsonBody(PriceVersionInputSchema) },
  responses: {
    201: jsonResponse(PriceVersionSchema, 'The published version'),
    ...errorResponses('invalid_request', 'unauthorized', 'price_version_conflict'),
  },
});

export function registerAdminPublishPrices(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const version = await c.get('services').ledger.prices.publish(c.req.valid('json'));
    return c.json(version, 201);
  });
}
