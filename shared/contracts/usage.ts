// Usage reports read from the rollups (eventually consistent: seconds behind the ledger).
// Operators: GET /admin/usage on the ledger. Apps: GET /v1/usage on the gateway, which asks the ledger's
// GET /internal/v1/apps/{app_id}/usage (service token). Days are UTC calendar days, inclusive.
import { z } from 'zod';
import { USAGE_QUERY_DAYS_MAX } from '../limits';

const MS_PER_DAY = 86_400_000;

export const UsageDaySchema = z.iso.date();
export const UsageGroupBySchema = z.enum(['day', 'model']);
export type UsageGroupBy = z.infer<typeof UsageGroupBySchema>;

/** Days between two ISO dates, inclusive (`2025-01-01`..`2025-01-01` is 1). */
export function daySpan(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / MS_PER_DAY + 1;
}

const UsageQueryFieldsSchema = z.object({
  from: UsageDaySchema,
  to: UsageDaySchema,
  group_by: UsageGroupBySchema.default('day'),
});

function withDayRange<T extends z.ZodType<{ from: string; to: string }>>(schema: T) {
  return schema
    .refine((query) => daySpan(query.from, query.to) >= 1, { message: 'from must not be after to', path: ['from'] })
    .refine((query) => daySpan(query.from, query.to) <= USAGE_QUERY_DAYS_MAX, {
      message: `at most ${USAGE_QUERY_DAYS_MAX} days per query`,
      path: ['to'],
    });
}

export const UsageQuerySchema = withDayRange(UsageQueryFieldsSchema);
/** Operators may leave app_id out: every app. */
export const AdminUsageQuerySchema = withDayRange(
  UsageQueryFieldsSchema.extend({
    app_id: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9_-]+$/)
      .optional(),
  }),
);
export type UsageQuery = z.infer<typeof UsageQuerySchema>;

const count = z.number().int().min(0);
const micros = z.number().int();

/** What an app may see of its own usage: no provider cost, no margin. */
export const AppUsageRowSchema = z.object({
  /** Set when grouped by day. */
  day: UsageDaySchema.nullable(),
  /** Set when grouped by model. */
  model: z.string().nullable(),
  calls: count,
  input_tokens: count,
  output_tokens: count,
  /** What the wallets were charged. */
  cost_micros: micros,
});
export type AppUsageRow = z.infer<typeof AppUsageRowSchema>;

export const AppUsageSchema = z.object({
  object: z.literal('usage'),
  app_id: z.string(),
  from: UsageDaySchema,
  to: UsageDaySchema,
  group_by: UsageGroupBySchema,
  data: z.array(AppUsageRowSchema),
  totals: AppUsageRowSchema.omit({ day: true, model: true }),
});
export type AppUsage = z.infer<typeof AppUsageSchema>;

/**
 * The operator view splits what was charged into the provider's share and fleeex's margin (cost = provider
 * + margin) and adds what captures could not take from the wallets: fleeex's loss (cost + written_off =
 * what the calls were priced at). Never shown to apps.
 */
export const AdminUsageRowSchema = AppUsageRowSchema.extend({
  provider_cost_micros: micros,
  margin_micros: micros,
  written_off_micros: count,
});
export type AdminUsageRow = z.infer<typeof AdminUsageRowSchema>;

export const AdminUsageSchema = z.object({
  object: z.literal('usage'),
  /** null: every app. */
  app_id: z.string().nullable(),
  from: UsageDaySchema,
  to: UsageDaySchema,
  group_by: UsageGroupBySchema,
  data: z.array(AdminUsageRowSchema),
  totals: AdminUsageRowSchema.omit({ day: true, model: true }),
});
export type AdminUsage = z.infer<typeof AdminUsageSchema>;
