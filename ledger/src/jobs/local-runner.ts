// `npm start` runs the whole pipeline in-process: the outbox relay loop, the usage consumer polling
// local SQS (the same handler Lambda runs in production), and reconciliation on an interval.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { physicalTableName, ROLLUPS_TABLE } from '../store/tables';
import { type JobLogger, logJob } from './log';
import type { RelayResult } from './outbox-relay';
import { startPeriodicJob } from './periodic';
import { ensureUsageQueues, type UsageQueues } from './queues';
import { startOutboxRelay } from './relay-loop';
import type { JobRouteServices } from './routes/services';
import { createSqsPoller } from './sqs-poller';
import { createUsageConsumer } from './usage-consumer';

export const RECONCILE_INTERVAL_MS_DEFAULT = 60_000;

export interface StartJobsOptions {
  dynamo: DynamoDBClient;
  sqs: SQSClient;
  tablePrefix: string;
  /** From createJobRouteServices (the ledger server's): the schedule shares its one-at-a-time runs. */
  jobServices: JobRouteServices;
  /** Default `${tablePrefix}usage` (its DLQ: `-dlq` appended). */
  queueName?: string;
  relayIntervalMs?: number;
  reconcileIntervalMs?: number;
  /** Concurrent consumer pollers (Lambda's concurrent batches). */
  pollers?: number;
  log?: JobLogger;
}

export interface RunningJobs {
  queues: UsageQueues;
  /** One relay run now (queued behind a run in progress). */
  relayNow(): Promise<RelayResult>;
  stop(): Promise<void>;
}

export async function startJobs(options: StartJobsOptions): Promise<RunningJobs> {
  const log = options.log ?? logJob;
  const queues = await ensureUsageQueues(options.sqs, { queueName: options.queueName ?? `${options.tablePrefix}usage` });
  const relay = startOutboxRelay({
    dynamo: options.dynamo,
    sqs: options.sqs,
    tablePrefix: options.tablePrefix,
    queueUrl: queues.queueUrl,
    intervalMs: options.relayIntervalMs,
    log,
  });
  const consumer = createUsageConsumer({
    dynamo: options.dynamo,
    rollupsTableName: physicalTableName(options.tablePrefix, ROLLUPS_TABLE),
    log,
  });
  const pollers = Array.from({ length: options.pollers ?? 2 }, () =>
    createSqsPoller({ sqs: options.sqs, queueUrl: queues.queueUrl, handler: consumer, waitTimeSeconds: 1, log }),
  );
  for (const poller of pollers) poller.start();
  const reconciliation = startPeriodicJob({
    name: 'reconciliation',
    intervalMs: options.reconcileIntervalMs ?? RECONCILE_INTERVAL_MS_DEFAULT,
    run: () => options.jobServices.runReconciliation(),
    // The wallet scan resumes at the next interval (bounded work per interval); only an expiry backlog hurries.
    again: (run) => run.holds.more,
    log,
  });
  return {
    queues,
    relayNow: relay.runNow,
    async stop() {
      await Promise.all([relay.stop(), reconciliation.stop(), ...pollers.map((poller) => poller.stop())]);
    },
  };
}

/** startJobs against local endpoints (DynamoDB Local, local-aws-sqs), owning its clients. */
export async function startLocalJobs(
  options: { dynamoEndpoint: string; sqsEndpoint: string } & Omit<StartJobsOptions, 'dynamo' | 'sqs'>,
): Promise<RunningJobs> {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const dynamo = new DynamoDBClient({ endpoint: options.dynamoEndpoint, region: 'local', credentials });
  const sqs = new SQSClient({ endpoint: options.sqsEndpoint, region: 'us-east-1', credentials });
  const jobs = await startJobs({ ...options, dynamo, sqs });
  return {
    ...jobs,
    async stop() {
      await jobs.stop();
      dynamo.destroy();
      sqs.destroy();
    },
  };
}
