import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { ADJUSTMENT_REASON_CHARS_MAX, IDEMPOTENCY_KEY_CHARS_MAX } from '../../../shared/limits';
import { AMOUNT_MICROS_MAX } from '../../../shared/money';
import { entryView } from '../core/entries';
import type { LedgerEnv } from '../http/env';
import { EntrySchema, IdParam, errorResponses, jsonBody, jsonResponse } from '../http/schemas';

const AdjustmentSchema = z.object({
  amount_micros: z
    .number()
    .int()
    .min(-AMOUNT_MICROS_MAX)
    .max(AMOUNT_MICROS_MAX)
    .refine((amount) => amount !== 0, 'must not be zero'),
  reason: z.string().trim().min(1).max(ADJUSTMENT_REASON_CHARS_MAX),
  idempotency_key: z
    .string()
    .min(1)
    .max(IDEMPOTENCY_KEY_CHARS_MAX)
    .regex(/^[A-Za-z0-9_.:-]+$/),
});

const route = createRoute({
  operationId: 'adminCreateAdjustment',
  method: 'post',
  path: '/admin/wallets/{wallet_id}/adjustments',
  tags: ['admin'],
  security: [{ adminToken: [] }],
  summary: 'Post a signed operator adjustment (never below zero)',
  request: { params: z.object({ wallet_id: IdParam }), body: jsonBody(AdjustmentSchema) },
  responses: {
    201: jsonResponse(EntrySchema, 'The entry'),
    200: jsonResponse(EntrySchema, 'The same entry, on a replay'),
    ...errorResponses('invalid_request', 'unauthorized', 'not_found', 'insufficient_balance', 'idempotency_conflict'),
  },
});

export function registerAdminCreateAdjustment(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const { result, replayed } = await c
      .get('services')
      .ledger.wallets.adjust(c.req.valid('param').wallet_id, body.amount_micros, body.reason, body.idempotency_key);
    return c.json(entryView(result), replayed ? 200 : 201);
  });
}
