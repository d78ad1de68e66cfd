import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { LedgerEnv } from '../http/env';
import { IdParam, WalletSchema, errorResponses, jsonResponse } from '../http/schemas';

const route = createRoute({
  operationId: 'adminGetWallet',
  method: 'get',
  path: '/admin/wallets/{wallet_id}',
  tags: ['admin'],
  security: [{ adminToken: [] }],
  summary: 'A wallet and its balance',
  request: { params: z.object({ wallet_id: IdParam }) },
  responses: {
    200: jsonResponse(WalletSchema, 'The wallet'),
    ...errorResponses('invalid_request', 'unauthorized', 'not_found'),
  },
});

export function registerAdminGetWallet(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const wallet = await c.get('services').ledger.wallets.get(c.req.valid('param').wallet_id);
    const { wallet_id, currency, balance_micros, held_micros, available_micros } = wallet;
    return c.json({ wallet_id, currency, balance_micros, held_micros, available_micros }, 200);
  });
}
