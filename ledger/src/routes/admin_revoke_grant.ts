import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { LedgerEnv } from '../http/env';
import { IdParam, errorResponses } from '../http/schemas';

const route = createRoute({
  operationId: 'adminRevokeGrant',
  method: 'delete',
  path: '/admin/grants/{wallet_id}/{app_id}',
  tags: ['admin'],
  security: [{ adminToken: [] }],
  summary: 'Revoke an app’s grant on a wallet (pending holds can still be captured or released)',
  request: { params: z.object({ wallet_id: IdParam, app_id: IdParam }) },
  responses: {
    204: { description: 'Revoked' },
    ...errorResponses('invalid_request', 'unauthorized', 'not_found'),
  },
});

export function registerAdminRevokeGrant(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const { wallet_id, app_id } = c.req.valid('param');
    await c.get('services').ledger.grants.revoke(wallet_id, app_id);
    return c.body(null, 204);
  });
}
