// The usage consumer: a Lambda handler for SQS batches that folds ledger events into the rollups.
// Records stand alone: a malformed record is reported in batchItemFailures (SQS redelivers it and,
// after maxReceiveCount receives, moves it to the DLQ) while the rest of the batch is applied.
// The valid records go in as few transactions as possible (applyEventsToRollups), exactly once each.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type LedgerEvent, LedgerEventSchema } from '../../../shared/contracts/ledger-events';
import { type JobLogger, logJob } from './log';
import { applyEventsToRollups, rollupDeltas } from './rollups';
import { recordJson, type SqsBatchHandler, type SqsRecord } from './sqs-types';

export interface UsageConsumerOptions {
  dynamo: DynamoDBClient;
  rollupsTableName: string;
  now?: () => number;
  log?: JobLogger;
}

export function createUsageConsumer(options: UsageConsumerOptions): SqsBatchHandler {
  const now = options.now ?? Date.now;
  const log = options.log ?? logJob;

  function fail(record: SqsRecord, reason: string, failures: Array<{ itemIdentifier: string }>) {
    failures.push({ itemIdentifier: record.messageId });
    log('warn', 'usage_record_failed', {
      message_id: record.messageId,
      receive_count: Number(record.attributes.ApproximateReceiveCount),
      reason,
    });
  }

  return async function handleUsageBatch(event) {
    const failures: Array<{ itemIdentifier: string }> = [];
    const valid: Array<{ record: SqsRecord; event: LedgerEvent }> = [];
    for (const record of event.Records) {
      const parsed = LedgerEventSchema.safeParse(recordJson(record));
      if (!parsed.success) {
        fail(record, `not a LedgerEvent: ${parsed.error.issues[0]?.message ?? 'invalid'}`, failures);
        continue;
      }
      try {
        rollupDeltas(parsed.data); // refuses events that break an invariant before anything is written
        valid.push({ record, event: parsed.data });
      } catch (error) {
        fail(record, errorMessage(error), failures);
      }
    }
    if (valid.length === 0) return { batchItemFailures: failures };
    try {
      await applyEventsToRollups(
        options.dynamo,
        options.rollupsTableName,
        valid.map((item) => item.event),
        now(),
      );
    } catch (error) {
      // Nothing of the failed transaction was written: every record in it is retried.
      for (const item of valid) fail(item.record, errorMessage(error), failures);
    }
    return { batchItemFailures: failures };
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
