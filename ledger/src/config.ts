// The ledger's environment, parsed once at start-up. A bad value stops the process with a message
// naming the variable; secrets are never echoed.
import { z } from 'zod';
import { HOLD_TTL_MS } from '../../shared/limits';
import { TABLE_PREFIX_DEFAULT } from './store/tables';

const TOKEN_CHARS_MIN = 32;
const token = z.string().min(TOKEN_CHARS_MIN, `must be at least ${TOKEN_CHARS_MIN} characters`).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const LedgerConfigSchema = z.object({
  FLEEEX_LEDGER_PORT: z.coerce.number().int().min(0).max(65_535).default(8788),
  FLEEEX_LEDGER_HOST: z.string().default('127.0.0.1'),
  /** DynamoDB endpoint override (DynamoDB Local); unset in AWS. */
  FLEEEX_DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().min(1).default('eu-central-1'),
  FLEEEX_TABLE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]*$/).default(TABLE_PREFIX_DEFAULT),
  /** The gateway's service token; FLEEEX_SERVICE_TOKEN_PREVIOUS is also accepted during rotation. */
  FLEEEX_SERVICE_TOKEN: token,
  FLEEEX_SERVICE_TOKEN_PREVIOUS: token.optional(),
  FLEEEX_ADMIN_TOKEN: token,
  FLEEEX_HOLD_TTL_MS: z.coerce.number().int().min(1_000).max(24 * 3600 * 1000).default(HOLD_TTL_MS),
  /** Create missing tables and seed the price table at start (local runs; Terraform owns them in AWS). */
  FLEEEX_ENSURE_TABLES: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** The usage queue (SQS): when set, this process relays the ledger outbox to it (production). */
  FLEEEX_USAGE_QUEUE_URL: z.url().optional(),
});
export type LedgerConfig = z.infer<typeof LedgerConfigSchema>;

export function parseLedgerConfig(env: Record<string, string | undefined>): LedgerConfig {
  const parsed = LedgerConfigSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw new Error(`invalid ledger configuration: ${problems}`);
}
