// GET /v1/models
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requireAppKey } from '../middleware/app-key';
import type { GatewayEnv } from '../services';
import { bearerSecurity, errorResponses } from './error-responses';
import { ModelListSchema, modelOf } from './models';

const route = createRoute({
  operationId: 'listModels',
  method: 'get',
  path: '/v1/models',
  summary: 'List the models and their EUR prices',
  security: bearerSecurity,
  middleware: [requireAppKey()] as const,
  responses: {
    200: { description: 'The models of the current price table.', content: { 'application/json': { schema: ModelListSchema } } },
    ...errorResponses({ 401: 'Missing, unknown or revoked app key.', 503: 'Billing is unavailable.' }),
  },
});

export function registerV1ModelsList(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async (c) => {
    const { ledger } = c.get('services');
    await ledger.authenticate(c.get('apiKeyHash'));
    const prices = await ledger.currentPrices();
    return c.json({ object: 'list' as const, data: prices.models.map((price) => modelOf(prices, price)) }, 200);
  });
}
