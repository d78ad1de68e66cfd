// POST /v1/connect/sessions: an app asks a wallet owner to let it bill one of its users. Answers the
// URL to send the owner to (the ledger's consent page); the owner's browser comes back to
// `return_url?status=approved|denied&state=...`. The start of the flow the 403 wallet_not_authorized
// points to.
import { type OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { ConnectSessionRequestSchema, ConnectSessionSchema } from '../../../shared/contracts/connect';
import { FleeexError } from '../../../shared/errors';
import { requireAppKey } from '../middleware/app-key';
import { jsonBody } from '../middleware/json-body';
import type { GatewayEnv } from '../services';
import { bearerSecurity, errorResponses } from './error-responses';

const CONNECT_BODY_BYTES_MAX = 16 * 1024;

const route = createRoute({
  operationId: 'createConnectSession',
  method: 'post',
  path: '/v1/connect/sessions',
  summary: 'Ask a wallet owner to authorize your app for one of your users',
  description:
    'Send the owner to `connect_url` (it expires quickly). They sign in, see your app, the monthly cap you ask for (they may lower it) and approve or deny; their browser then returns to `return_url` with `status=approved|denied` and your `state`. `return_url` must be on an origin registered for your app.',
  security: bearerSecurity,
  middleware: [requireAppKey(), jsonBody({ bytesMax: CONNECT_BODY_BYTES_MAX })] as const,
  request: { body: { required: true, content: { 'application/json': { schema: ConnectSessionRequestSchema } } } },
  responses: {
    201: { description: 'Where to send the wallet owner.', content: { 'application/json': { schema: ConnectSessionSchema } } },
    ...errorResponses({
      400: 'Invalid body, or return_url not on a registered origin (code return_url_not_allowed).',
      401: 'Missing, unknown or revoked app key.',
      503: 'Billing is unavailable.',
    }),
  },
});

export function registerV1ConnectSessionsCreate(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async (c) => {
    const { ledger } = c.get('services');
    if (!ledger.createConnectSession) throw new FleeexError('not_found', 'The connect flow is not available here.');
    const identity = await ledger.authenticate(c.get('apiKeyHash'));
    const body = c.req.valid('json');
    const session = await ledger.createConnectSession({ ...body, app_id: identity.app_id });
    return c.json(session, 201);
  });
}
