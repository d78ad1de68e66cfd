import { type OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { LedgerEnv } from '../../http/env';
import { errorResponses, jsonResponse } from '../../http/schemas';
import { ReconciliationRunSchema } from './schemas';
import type { JobRouteServices } from './services';

const route = createRoute({
  operationId: 'adminRunReconciliation',
  method: 'post',
  path: '/admin/reconciliation/runs',
  tags: ['admin'],
  security: [{ adminToken: [] }],
  summary: 'Runs one bounded reconciliation now (queued behind a run in progress) and returns its result',
  responses: {
    200: jsonResponse(ReconciliationRunSchema, 'The run'),
    ...errorResponses('unauthorized'),
  },
});

export function registerAdminRunReconciliation(app: OpenAPIHono<LedgerEnv>, services: JobRouteServices) {
  app.openapi(route, async (c) => c.json(await services.runReconciliation(), 200));
}
