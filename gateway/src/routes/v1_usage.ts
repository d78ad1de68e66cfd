// GET /v1/usage?from=&to=&group_by=day|model: the calling app's own usage (calls, tokens, what its
// users' wallets were charged), from the rollups: seconds behind the ledger. The app is the key's app;
// no parameter can name another.
import { type OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { AppUsageSchema, UsageQuerySchema } from '../../../shared/contracts/usage';
import { FleeexError } from '../../../shared/errors';
import { requireAppKey } from '../middleware/app-key';
import type { GatewayEnv } from '../services';
import { bearerSecurity, errorResponses } from './error-responses';

const route = createRoute({
  operationId: 'getUsage',
  method: 'get',
  path: '/v1/usage',
  summary: "Your app's usage per UTC day or per model (at most 92 days per query)",
  security: bearerSecurity,
  middleware: [requireAppKey()] as const,
  request: { query: UsageQuerySchema },
  responses: {
    200: { description: 'The usage report.', content: { 'application/json': { schema: AppUsageSchema } } },
    ...errorResponses({ 400: 'Invalid query.', 401: 'Missing, unknown or revoked app key.', 503: 'Billing is unavailable.' }),
  },
});

export function registerV1Usage(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async (c) => {
    const { ledger } = c.get('services');
    if (!ledger.appUsage) throw new FleeexError('not_found', 'Usage reports are not available here.');
    const identity = await ledger.authenticate(c.get('apiKeyHash'));
    return c.json(await ledger.appUsage(identity.app_id, c.req.valid('query')), 200);
  });
}
