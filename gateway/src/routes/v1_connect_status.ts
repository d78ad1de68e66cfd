// GET /v1/connect/status?app_user_id=: whether the app's user has authorized it and can spend. Only
// about the calling app's own grant; never the wallet's balance or other apps.
import { type OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { ConnectStatusQuerySchema, ConnectStatusSchema } from '../../../shared/contracts/connect';
import { FleeexError } from '../../../shared/errors';
import { requireAppKey } from '../middleware/app-key';
import type { GatewayEnv } from '../services';
import { bearerSecurity, errorResponses } from './error-responses';

const route = createRoute({
  operationId: 'getConnectStatus',
  method: 'get',
  path: '/v1/connect/status',
  summary: "Whether one of your users has authorized your app",
  security: bearerSecurity,
  middleware: [requireAppKey()] as const,
  request: { query: ConnectStatusQuerySchema },
  responses: {
    200: { description: 'The connection status.', content: { 'application/json': { schema: ConnectStatusSchema } } },
    ...errorResponses({ 400: 'Invalid query.', 401: 'Missing, unknown or revoked app key.', 503: 'Billing is unavailable.' }),
  },
});

export function registerV1ConnectStatus(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async (c) => {
    const { ledger } = c.get('services');
    if (!ledger.connectStatus) throw new FleeexError('not_found', 'The connect flow is not available here.');
    const identity = await ledger.authenticate(c.get('apiKeyHash'));
    const { app_user_id: appUserId } = c.req.valid('query');
    return c.json(await ledger.connectStatus(identity.app_id, appUserId), 200);
  });
}
