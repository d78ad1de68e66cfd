// Schemas shared by several routes (the error body, ids, entries), for validation and the spec.
import { z } from '@hono/zod-openapi';
import { ENTRY_TYPES } from '../../../shared/contracts/ledger-events';
import { LedgerErrorBodySchema } from '../../../shared/contracts/ledger-internal';
import type { ErrorCode } from '../../../shared/errors';
import { codeToStatus } from './errors';

export const IdParam = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/);

export const EntrySchema = z.object({
  entry_id: z.string(),
  wallet_id: z.string(),
  type: z.enum(ENTRY_TYPES),
  amount_micros: z.number().int(),
  balance_after_micros: z.number().int(),
  app_id: z.string().nullable(),
  model: z.string().nullable(),
  input_tokens: z.number().int().nullable(),
  output_tokens: z.number().int().nullable(),
  price_version: z.number().int().nullable(),
  /** write_off entries (amount 0): what could not be taken from the wallet. */
  written_off_micros: z.number().int().nullable(),
  reason: z.string().nullable(),
  idempotency_key: z.string(),
  created_at: z.string(),
});

export const WalletSchema = z.object({
  wallet_id: z.string(),
  currency: z.literal('EUR'),
  balance_micros: z.number().int(),
  held_micros: z.number().int(),
  available_micros: z.number().int(),
});

/** OpenAPI response entries for the error codes a route can answer with. */
export function errorResponses(...codes: ErrorCode[]) {
  const byStatus: Record<number, { description: string; content: { 'application/json': { schema: typeof LedgerErrorBodySchema } } }> = {};
  for (const code of codes) {
    const status = codeToStatus[code];
    const existing = byStatus[status];
    byStatus[status] = {
      description: existing ? `${existing.description}, ${code}` : code,
      content: { 'application/json': { schema: LedgerErrorBodySchema } },
    };
  }
  return byStatus;
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } } as const;
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}
