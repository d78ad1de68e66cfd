import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { LedgerEnv } from '../http/env';
import { IdParam, errorResponses, jsonResponse } from '../http/schemas';

const route = createRoute({
  operationId: 'adminCreateKey',
  method: 'post',
  path: '/admin/apps/{app_id}/keys',
  tags: ['admin'],
  security: [{ adminToken: [] }],
  summary: 'Add a key to an app (rotation)',
  request: { params: z.object({ app_id: IdParam }) },
  responses: {
    201: jsonResponse(z.object({ key_id: z.string(), api_key: z.string() }), 'The key (shown once)'),
    ...errorResponses('invalid_request', 'unauthorized', 'not_found'),
  },
});

export function registerAdminCreateKey(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const key = await c.get('services').ledger.apps.createKey(c.req.valid('param').app_id);
    c.header('cache-control', 'no-store');
    return c.json({ key_id: key.key_id, api_key: key.api_key }, 201);
  });
}
