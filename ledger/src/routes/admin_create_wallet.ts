import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { LedgerEnv } from '../http/env';
import { WalletSchema, errorResponses, jsonResponse } from '../http/schemas';

const route = createRoute({
  operationId: 'adminCreateWallet',
  method: 'post',
  path: '/admin/wallets',
  tags: ['admin'],
  security: [{ adminToken: [] }],
  summary: 'Create an empty wallet (operators and test seeding)',
  request: {
    body: { required: false, content: { 'application/json': { schema: z.object({ owner_email: z.email().max(254).optional() }) } } },
  },
  responses: {
    201: jsonResponse(WalletSchema.extend({ owner_email: z.string().nullable() }), 'The wallet'),
    ...errorResponses('invalid_request', 'unauthorized'),
  },
});

export function registerAdminCreateWallet(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const wallet = await c.get('services').ledger.wallets.create({ owner_email: body.owner_email?.toLowerCase() ?? null });
    const { wallet_id, currency, balance_micros, held_micros, available_micros, owner_email } = wallet;
    return c.json({ wallet_id, currency, balance_micros, held_micros, available_micros, owner_email }, 201);
  });
}
