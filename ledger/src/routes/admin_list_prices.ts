import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { PriceVersionSchema } from '../../../shared/pricing';
import type { LedgerEnv } from '../http/env';
import { errorResponses, jsonResponse } from '../http/schemas';

const route = createRoute({
  operationId: 'adminListPrices',
  method: 'get',
  path: '/admin/prices',
  tags: ['admin'],
  security: [{ adminToken: [] }],
  summary: 'Every price version, newest first, and the one in effect',
  responses: {
    200: jsonResponse(z.object({ current_version: z.number().int().nullable(), data: z.array(PriceVersionSchema) }), 'The versions'),
    ...errorResponses('unauthorized'),
  },
});

export function registerAdminListPrices(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const prices = c.get('services').ledger.prices;
    const versions = await prices.versions(true);
    const current = versions.length ? await prices.current() : null;
    return c.json({ current_version: current?.version ?? null, data: [...versions].reverse() }, 200);
  });
}
