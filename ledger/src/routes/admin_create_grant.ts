import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { AppUserIdSchema } from '../../../shared/contracts/ledger-internal';
import { AMOUNT_MICROS_MAX } from '../../../shared/money';
import type { LedgerEnv } from '../http/env';
import { IdParam, errorResponses, jsonBody, jsonResponse } from '../http/schemas';

const GrantRequestSchema = z.object({
  wallet_id: IdParam,
  app_id: IdParam,
  app_user_id: AppUserIdSchema,
  monthly_cap_micros: z.number().int().min(0).max(AMOUNT_MICROS_MAX).nullable().optional(),
});

const GrantSchema = z.object({
  wallet_id: z.string(),
  app_id: z.string(),
  app_user_id: z.string().nullable(),
  status: z.enum(['active', 'revoked']),
  monthly_cap_micros: z.number().int().nullable(),
  cap_period: z.string(),
  cap_spent_micros: z.number().int(),
  cap_held_micros: z.number().int(),
  cap_remaining_micros: z.number().int().nullable(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});

const route = createRoute({
  operationId: 'adminCreateGrant',
  method: 'post',
  path: '/admin/grants',
  tags: ['admin'],
  security: [{ adminToken: [] }],
  summary: "Link an app's user to a wallet and authorize the app (idempotent on wallet and app)",
  request: { body: jsonBody(GrantRequestSchema) },
  responses: {
    201: jsonResponse(GrantSchema, 'The active grant'),
    ...errorResponses('invalid_request', 'unauthorized', 'not_found'),
  },
});

export function registerAdminCreateGrant(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const grant = await c.get('services').ledger.grants.grant(c.req.valid('json'));
    return c.json(grant, 201);
  });
}
