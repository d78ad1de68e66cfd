import { type OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { LedgerEnv } from '../../http/env';
import { errorResponses, jsonResponse } from '../../http/schemas';
import { ReconciliationReportSchema } from './schemas';
import type { JobRouteServices } from './services';

const route = createRoute({
  operationId: 'adminGetReconciliation',
  method: 'get',
  path: '/admin/reconciliation',
  tags: ['admin'],
  security: [{ adminToken: [] }],
  summary: 'The last reconciliation run and every drift found (open first); drift is reported, never fixed',
  responses: {
    200: jsonResponse(ReconciliationReportSchema, 'The reconciliation report'),
    ...errorResponses('unauthorized'),
  },
});

export function registerAdminGetReconciliation(app: OpenAPIHono<LedgerEnv>, services: JobRouteServices) {
  app.openapi(route, async (c) => c.json(await services.reconciler.report(), 200));
}
