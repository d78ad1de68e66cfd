// Response schemas of the jobs routes (reconciliation report) for validation and the OpenAPI spec.
import { z } from '@hono/zod-openapi';
import { DRIFT_KINDS } from '../reconciliation';

export const DriftSchema = z.object({
  wallet_id: z.string(),
  kind: z.enum(DRIFT_KINDS),
  day: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const DriftRecordSchema = DriftSchema.extend({
  status: z.enum(['open', 'resolved']),
  first_seen_at: z.string(),
  last_seen_at: z.string(),
  resolved_at: z.string().nullable(),
});

export const ReconciliationRunSchema = z.object({
  run_id: z.string(),
  started_at: z.string(),
  finished_at: z.string(),
  holds: z.object({ released: z.number().int(), released_micros: z.number().int(), failed: z.number().int(), more: z.boolean() }),
  wallets_checked: z.number().int(),
  wallets_in_progress: z.number().int(),
  entries_checked: z.number().int(),
  pass_complete: z.boolean(),
  rollups_settled_before: z.string(),
  drift_count: z.number().int(),
  drifts: z.array(DriftSchema),
});

export const ReconciliationReportSchema = z.object({
  latest_run: ReconciliationRunSchema.nullable(),
  drifts: z.array(DriftRecordSchema),
});
