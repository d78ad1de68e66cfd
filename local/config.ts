// `npm start` configuration: environment variables parsed once with a schema. Every variable is in
// README's configuration table. A bad value stops start-up with a message naming it.
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65_535);
const token = z.string().min(32, 'must be at least 32 characters');

export const LocalEnvSchema = z.object({
  FLEEEX_GATEWAY_PORT: port.default(8787),
  FLEEEX_LEDGER_PORT: port.default(8788),
  /** DynamoDB Local's port; a free one is picked when unset. */
  FLEEEX_DYNAMODB_PORT: port.optional(),
  /** Keep DynamoDB Local's data on disk here (default: in memory, gone at exit). */
  FLEEEX_DATA_DIR: z.string().min(1).optional(),
  /** Use this DynamoDB endpoint instead of starting DynamoDB Local ("aws" = the real service). */
  FLEEEX_DYNAMODB_ENDPOINT: z.string().min(1).optional(),
  FLEEEX_TABLE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{0,64}$/)
    .default('fleeex-'),
  /** "simulator" or "aws"; default: the simulator unless AWS credentials are in the environment. */
  FLEEEX_BEDROCK: z.enum(['simulator', 'aws']).optional(),
  FLEEEX_BEDROCK_REGION: z.string().min(1).optional(),
  FLEEEX_ADMIN_TOKEN: token.optional(),
  FLEEEX_SERVICE_TOKEN: token.optional(),
  AWS_REGION: z.string().min(1).optional(),
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_PROFILE: z.string().optional(),
});
export type LocalEnv = z.infer<typeof LocalEnvSchema>;

export function parseLocalEnv(env: Record<string, string | undefined>): LocalEnv {
  const parsed = LocalEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`invalid environment for npm start:\n${problems}`);
  }
  return parsed.data;
}

export function usesRealBedrock(env: LocalEnv): boolean {
  if (env.FLEEEX_BEDROCK) return env.FLEEEX_BEDROCK === 'aws';
  return Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE);
}
