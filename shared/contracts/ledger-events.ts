// The event every posted ledger entry yields, delivered at least once to the usage queue (SQS).
// Consumers must be idempotent on event_id (== entry_id).
import { z } from 'zod';

export const ENTRY_TYPES = ['topup', 'usage', 'refund', 'adjustment', 'write_off'] as const;
export const EntryTypeSchema = z.enum(ENTRY_TYPES);
export type EntryType = z.infer<typeof EntryTypeSchema>;

export const LedgerEventSchema = z.object({
  event_id: z.string().min(1),
  event_type: z.literal('ledger.entry.posted'),
  entry_id: z.string().min(1),
  wallet_id: z.string().min(1),
  /** Position of the entry in its wallet's gap-free sequence (1, 2, 3, ...). */
  wallet_seq: z.number().int().min(1),
  type: EntryTypeSchema,
  /** Signed: credits positive, debits negative. */
  amount_micros: z.number().int(),
  balance_after_micros: z.number().int(),
  app_id: z.string().nullable(),
  model: z.string().nullable(),
  input_tokens: z.number().int().min(0).nullable(),
  output_tokens: z.number().int().min(0).nullable(),
  /** Usage entries: the provider's share of what was charged and fleeex's margin (both >= 0). */
  provider_cost_micros: z.number().int().nullable(),
  margin_micros: z.number().int().nullable(),
  price_version: z.number().int().nullable(),
  /** write_off entries (amount 0): what could not be taken from the wallet. Absent in older events. */
  written_off_micros: z.number().int().min(0).nullable().optional(),
  created_at: z.iso.datetime(),
});
export type LedgerEvent = z.infer<typeof LedgerEventSchema>;
