// Environment of the job Lambdas, parsed once per cold start; a bad value fails the invocation with a
// message naming the variable (the message is retried and, if it keeps failing, dead-lettered).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { TABLE_PREFIX_DEFAULT } from '../store/tables';

const JobsEnvSchema = z.object({
  FLEEEX_TABLE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{0,64}$/)
    .default(TABLE_PREFIX_DEFAULT),
});

export interface JobsEnv {
  tablePrefix: string;
  dynamo: DynamoDBClient;
}

let cached: JobsEnv | undefined;

export function jobsEnv(env: NodeJS.ProcessEnv = process.env): JobsEnv {
  if (cached) return cached;
  const parsed = JobsEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid environment: ${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}`);
  }
  // Region and credentials come from the Lambda runtime.
  cached = { tablePrefix: parsed.data.FLEEEX_TABLE_PREFIX, dynamo: new DynamoDBClient({}) };
  return cached;
}
