// GET /v1/models/{model}
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { FleeexError } from '../../../shared/errors';
import { requireAppKey } from '../middleware/app-key';
import { MODEL_ID_CHARS_MAX } from '../openai/chat-schemas';
import type { GatewayEnv } from '../services';
import { bearerSecurity, errorResponses } from './error-responses';
import { ModelSchema, modelOf } from './models';

const route = createRoute({
  operationId: 'retrieveModel',
  method: 'get',
  path: '/v1/models/{model}',
  summary: 'Get one model and its EUR prices',
  security: bearerSecurity,
  middleware: [requireAppKey()] as const,
  request: {
    params: z.object({
      model: z.string().min(1).max(MODEL_ID_CHARS_MAX).openapi({ param: { name: 'model', in: 'path' }, example: 'amazon.nova-micro-v1:0' }),
    }),
  },
  responses: {
    200: { description: 'The model.', content: { 'application/json': { schema: ModelSchema } } },
    ...errorResponses({ 401: 'Missing, unknown or revoked app key.', 404: 'No such model.', 503: 'Billing is unavailable.' }),
  },
});

export function registerV1ModelsGet(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async (c) => {
    const { ledger } = c.get('services');
    await ledger.authenticate(c.get('apiKeyHash'));
    const { model } = c.req.valid('param');
    const prices = await ledger.currentPrices();
    const price = prices.models.find((m) => m.model === model);
    if (!price) throw new FleeexError('model_not_found', `No model ${model}. GET /v1/models lists them.`, { param: 'model' });
    return c.json(modelOf(prices, price), 200);
  });
}
