import { type OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { AppIdentitySchema, AuthenticateRequestSchema, LEDGER_INTERNAL_BASE_PATH } from '../../../shared/contracts/ledger-internal';
import type { LedgerEnv } from '../http/env';
import { errorResponses, jsonBody, jsonResponse } from '../http/schemas';

const route = createRoute({
  operationId: 'internalAuthenticateApp',
  method: 'post',
  path: `${LEDGER_INTERNAL_BASE_PATH}/apps/authenticate`,
  tags: ['internal'],
  security: [{ serviceToken: [] }],
  summary: 'The app an active key hash belongs to (for gateway routes that move no money)',
  request: { body: jsonBody(AuthenticateRequestSchema) },
  responses: {
    200: jsonResponse(AppIdentitySchema, 'The app'),
    ...errorResponses('invalid_request', 'unauthorized', 'invalid_api_key'),
  },
});

export function registerInternalAuthenticateApp(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const identity = await c.get('services').ledger.apps.authenticate(c.req.valid('json').api_key_hash);
    return c.json(identity, 200);
  });
}
