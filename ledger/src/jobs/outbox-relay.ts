// The outbox relay: moves ledger events from the outbox items (written in the same DynamoDB transaction
// as their entry) to the usage queue, then deletes them. Send-then-delete makes delivery at-least-once:
// a crash after the send and before the delete re-sends on the next run; consumers dedupe on event_id.
// Nothing is ever deleted before SQS accepted it, so no event can be lost.
import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { OUTBOX_PAGE_ITEMS_MAX, OUTBOX_PAGES_PER_SHARD_PER_RUN, SQS_BATCH_MESSAGES_MAX } from '../../../shared/limits';
import { OUTBOX_SHARDS, outboxPk } from '../store/keys';
import { type JobLogger, logJob } from './log';
import { forEachBounded } from './bounded';

const DELETE_BATCH_ITEMS_MAX = 25; // DynamoDB's BatchWriteItem limit
const DELETE_RETRIES_MAX = 3;
const SHARD_CONCURRENCY = 4;

export interface RelayOptions {
  dynamo: DynamoDBClient;
  sqs: SQSClient;
  ledgerTableName: string;
  queueUrl: string;
  pagesPerShard?: number;
  pageItems?: number;
  log?: JobLogger;
}

export interface RelayResult {
  sent: number;
  deleted: number;
  sendFailed: number;
  /** True when some shard still had items beyond this run's page bound. */
  more: boolean;
}

interface OutboxItem {
  pk: string;
  sk: string;
  body: string;
}

export async function relayOutboxOnce(options: RelayOptions): Promise<RelayResult> {
  const log = options.log ?? logJob;
  const result: RelayResult = { sent: 0, deleted: 0, sendFailed: 0, more: false };
  const shards = Array.from({ length: OUTBOX_SHARDS }, (_, shard) => shard);
  await forEachBounded(shards, SHARD_CONCURRENCY, async (shard) => {
    let cursor: Record<string, AttributeValue> | undefined;
    for (let page = 0; page < (options.pagesPerShard ?? OUTBOX_PAGES_PER_SHARD_PER_RUN); page++) {
      const queried = await options.dynamo.send(
        new QueryCommand({
          TableName: options.ledgerTableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: outboxPk(shard) } },
          Limit: options.pageItems ?? OUTBOX_PAGE_ITEMS_MAX,
          ExclusiveStartKey: cursor,
          ConsistentRead: true,
        }),
      );
      const items: OutboxItem[] = (queried.Items ?? []).map((item) => ({
        pk: item.pk?.S ?? '',
        sk: item.sk?.S ?? '',
        body: item.event?.S ?? '',
      }));
      const sent = await sendAll(options.sqs, options.queueUrl, items);
      result.sent += sent.length;
      result.sendFailed += items.length - sent.length;
      result.deleted += await deleteAll(options.dynamo, options.ledgerTableName, sent, log);
      cursor = queried.LastEvaluatedKey;
      if (!cursor) return;
    }
    result.more = true;
  });
  if (result.sendFailed > 0) log('warn', 'outbox_send_failed', { count: result.sendFailed });
  return result;
}

/** Sends in batches of 10; returns the items SQS accepted (the others stay in the outbox). */
async function sendAll(sqs: SQSClient, queueUrl: string, items: OutboxItem[]): Promise<OutboxItem[]> {
  const accepted: OutboxItem[] = [];
  for (let start = 0; start < items.length; start += SQS_BATCH_MESSAGES_MAX) {
    const batch = items.slice(start, start + SQS_BATCH_MESSAGES_MAX);
    const response = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((item, index) => ({ Id: String(index), MessageBody: item.body })),
      }),
    );
    for (const ok of response.Successful ?? []) accepted.push(batch[Number(ok.Id)]!);
  }
  return accepted;
}

async function deleteAll(dynamo: DynamoDBClient, tableName: string, items: OutboxItem[], log: JobLogger): Promise<number> {
  let deleted = 0;
  for (let start = 0; start < items.length; start += DELETE_BATCH_ITEMS_MAX) {
    let requests = items.slice(start, start + DELETE_BATCH_ITEMS_MAX).map((item) => ({
      DeleteRequest: { Key: { pk: { S: item.pk }, sk: { S: item.sk } } },
    }));
    const total = requests.length;
    for (let attempt = 0; attempt < DELETE_RETRIES_MAX && requests.length > 0; attempt++) {
      const response = await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
      requests = (response.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
    // Undeleted items are re-sent next run: a duplicate, never a loss.
    if (requests.length > 0) log('warn', 'outbox_delete_incomplete', { count: requests.length });
    deleted += total - requests.length;
  }
  return deleted;
}
