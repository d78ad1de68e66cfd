// The outbox relay as a loop inside the ledger service (production: ECS, FLEEEX_USAGE_QUEUE_URL set;
// locally: startJobs). Runs again at once while a run leaves items beyond its page bound, else every
// intervalMs. Several ledger tasks may relay at once: a duplicate send is absorbed by the consumer.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LEDGER_TABLE, physicalTableName } from '../store/tables';
import type { JobLogger } from './log';
import { type RelayResult, relayOutboxOnce } from './outbox-relay';
import { type PeriodicJob, startPeriodicJob } from './periodic';

export const RELAY_INTERVAL_MS_DEFAULT = 250;

export interface OutboxRelayLoopOptions {
  dynamo: DynamoDBClient;
  sqs: SQSClient;
  tablePrefix: string;
  queueUrl: string;
  intervalMs?: number;
  log?: JobLogger;
}

export function startOutboxRelay(options: OutboxRelayLoopOptions): PeriodicJob<RelayResult> {
  const ledgerTableName = physicalTableName(options.tablePrefix, LEDGER_TABLE);
  return startPeriodicJob({
    name: 'outbox_relay',
    intervalMs: options.intervalMs ?? RELAY_INTERVAL_MS_DEFAULT,
    run: () => relayOutboxOnce({ dynamo: options.dynamo, sqs: options.sqs, ledgerTableName, queueUrl: options.queueUrl, log: options.log }),
    again: (result) => result.more,
    log: options.log,
  });
}

/** The ledger service's relay (ledger/src/main.ts when FLEEEX_USAGE_QUEUE_URL is set), owning its clients. */
export function startServiceRelay(options: { region: string; dynamoEndpoint?: string; tablePrefix: string; queueUrl: string }): {
  stop(): Promise<void>;
} {
  const dynamo = new DynamoDBClient({ region: options.region, endpoint: options.dynamoEndpoint });
  const sqs = new SQSClient({ region: options.region });
  const relay = startOutboxRelay({ dynamo, sqs, tablePrefix: options.tablePrefix, queueUrl: options.queueUrl });
  return {
    async stop() {
      await relay.stop();
      dynamo.destroy();
      sqs.destroy();
    },
  };
}
