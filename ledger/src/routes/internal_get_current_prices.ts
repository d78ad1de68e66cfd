import { type OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { CurrentPricesSchema, LEDGER_INTERNAL_BASE_PATH } from '../../../shared/contracts/ledger-internal';
import type { LedgerEnv } from '../http/env';
import { errorResponses, jsonResponse } from '../http/schemas';

const route = createRoute({
  operationId: 'internalGetCurrentPrices',
  method: 'get',
  path: `${LEDGER_INTERNAL_BASE_PATH}/prices/current`,
  tags: ['internal'],
  security: [{ serviceToken: [] }],
  summary: 'The price version in effect now',
  responses: {
    200: jsonResponse(CurrentPricesSchema, 'The version in effect'),
    ...errorResponses('unauthorized'),
  },
});

export function registerInternalGetCurrentPrices(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const version = await c.get('services').ledger.prices.current();
    return c.json({ version: version.version, effective_from: version.effective_from, models: version.models }, 200);
  });
}
