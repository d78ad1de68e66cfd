// POST /internal/v1/connect/sessions: the gateway forwards an app's connect request (service token).
import { type OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { ConnectSessionSchema, InternalConnectSessionRequestSchema } from '../../../../shared/contracts/connect';
import { LedgerErrorBodySchema } from '../../../../shared/contracts/ledger-internal';
import type { ConnectService } from '../connect';

const route = createRoute({
  method: 'post',
  path: '/internal/v1/connect/sessions',
  summary: 'Start a connect session for an app user',
  request: { body: { required: true, content: { 'application/json': { schema: InternalConnectSessionRequestSchema } } } },
  responses: {
    201: { description: 'The URL to send the wallet owner to', content: { 'application/json': { schema: ConnectSessionSchema } } },
    400: { description: 'Invalid request or return_url not allowed', content: { 'application/json': { schema: LedgerErrorBodySchema } } },
  },
});

export function registerInternalConnectSessionsCreate(app: OpenAPIHono, connect: ConnectService): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const session = await connect.create({
      app_id: body.app_id,
      app_user_id: body.app_user_id,
      return_url: body.return_url,
      monthly_cap_micros: body.monthly_cap_micros ?? null,
      state: body.state ?? null,
    });
    return c.json({ connect_url: session.connect_url, expires_at: session.expires_at }, 201);
  });
}
