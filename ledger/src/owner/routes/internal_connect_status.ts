// GET /internal/v1/connect/status: whether an app's user is connected and can spend (never the balance).
import { type OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { ConnectStatusSchema, InternalConnectStatusQuerySchema } from '../../../../shared/contracts/connect';
import type { ConnectService } from '../connect';

const route = createRoute({
  method: 'get',
  path: '/internal/v1/connect/status',
  summary: "An app user's connection status",
  request: { query: InternalConnectStatusQuerySchema },
  responses: { 200: { description: 'Status', content: { 'application/json': { schema: ConnectStatusSchema } } } },
});

export function registerInternalConnectStatus(app: OpenAPIHono, connect: ConnectService): void {
  app.openapi(route, async (c) => {
    const query = c.req.valid('query');
    return c.json(await connect.status(query.app_id, query.app_user_id), 200);
  });
}
