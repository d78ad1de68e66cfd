import { type OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { AdminUsageQuerySchema, AdminUsageSchema } from '../../../../shared/contracts/usage';
import type { LedgerEnv } from '../../http/env';
import { errorResponses, jsonResponse } from '../../http/schemas';
import type { JobRouteServices } from './services';

const route = createRoute({
  operationId: 'adminGetUsage',
  method: 'get',
  path: '/admin/usage',
  tags: ['admin'],
  security: [{ adminToken: [] }],
  summary: 'Calls, tokens, cost, provider cost, margin and written-off amounts per day or per model, for one app or all (from the rollups)',
  request: { query: AdminUsageQuerySchema },
  responses: {
    200: jsonResponse(AdminUsageSchema, 'The usage report'),
    ...errorResponses('invalid_request', 'unauthorized'),
  },
});

export function registerAdminGetUsage(app: OpenAPIHono<LedgerEnv>, services: JobRouteServices) {
  app.openapi(route, async (c) => {
    const { app_id, ...query } = c.req.valid('query');
    return c.json(await services.usage.adminUsage(app_id ?? null, query), 200);
  });
}
