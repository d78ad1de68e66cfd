import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { LedgerEnv } from '../http/env';
import { IdParam, errorResponses } from '../http/schemas';

const route = createRoute({
  operationId: 'adminRevokeKey',
  method: 'delete',
  path: '/admin/apps/{app_id}/keys/{key_id}',
  tags: ['admin'],
  security: [{ adminToken: [] }],
  summary: 'Revoke a key (idempotent)',
  request: { params: z.object({ app_id: IdParam, key_id: IdParam }) },
  responses: {
    204: { description: 'Revoked' },
    ...errorResponses('invalid_request', 'unauthorized', 'not_found'),
  },
});

export function registerAdminRevokeKey(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const { app_id, key_id } = c.req.valid('param');
    await c.get('services').ledger.apps.revokeKey(app_id, key_id);
    return c.body(null, 204);
  });
}
