// The usage consumer: a Lambda handler for SQS batches that folds ledger events into the rollups.
// Each record stands alone: a bad record is reported in batchItemFailures (SQS redelivers it and, after
// maxReceiveCount receives, moves it to the DLQ) while the rest of the batch succeeds.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LedgerEventSchema } from '../../../shared/contracts/ledger-events';
import { CONSUMER_CONCURRENCY_MAX } from '../../../shared/limits';
import { type ApplyOutcome, applyEventToRollups } from './rollups';
import type { SqsBatchHandler, SqsRecord } from './sqs-types';
import { type JobLogger, logJob } from './log';

export interface UsageConsumerOptions {
  dynamo: DynamoDBClient;
  rollupsTableName: string;
  now?: () => number;
  log?: JobLogger;
}

export function createUsageConsumer(options: UsageConsumerOptions): SqsBatchHandler {
  const now = options.now ?? Date.now;
  const log = options.log ?? logJob;
  async function handleRecord(record: SqsRecord): Promise<ApplyOutcome> {
    const parsed = LedgerEventSchema.safeParse(parseJson(record.body));
    if (!parsed.success) throw new Error(`not a LedgerEvent: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return applyEventToRollups(options.dynamo, options.rollupsTableName, parsed.data, now());
  }
  return async function handleUsageBatch(event) {
    const failures: Array<{ itemIdentifier: string }> = [];
    await forEachBounded(event.Records, CONSUMER_CONCURRENCY_MAX, async (record) => {
      try {
        await handleRecord(record);
      } catch (error) {
        failures.push({ itemIdentifier: record.messageId });
        log('warn', 'usage_record_failed', {
          message_id: record.messageId,
          receive_count: Number(record.attributes.ApproximateReceiveCount),
          error: error instanceof Error ? error.message : String(error),
        });
      }
    });
    return { batchItemFailures: failures };
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function forEachBounded<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(workers);
}
