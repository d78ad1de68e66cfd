import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../../../shared/limits';
import { entryView } from '../core/entries';
import type { LedgerEnv } from '../http/env';
import { EntrySchema, IdParam, errorResponses, jsonResponse } from '../http/schemas';

const route = createRoute({
  operationId: 'adminListEntries',
  method: 'get',
  path: '/admin/wallets/{wallet_id}/entries',
  tags: ['admin'],
  security: [{ adminToken: [] }],
  summary: "A wallet's ledger entries, newest first",
  request: {
    params: z.object({ wallet_id: IdParam }),
    query: z.object({
      limit: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX).default(PAGE_SIZE_DEFAULT),
      cursor: z.string().max(32).optional(),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ data: z.array(EntrySchema), next_cursor: z.string().nullable() }), 'One page'),
    ...errorResponses('invalid_request', 'unauthorized', 'not_found'),
  },
});

export function registerAdminListEntries(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = await c.get('services').ledger.wallets.entries(c.req.valid('param').wallet_id, limit, cursor ?? null);
    return c.json({ data: page.data.map(entryView), next_cursor: page.next_cursor }, 200);
  });
}
