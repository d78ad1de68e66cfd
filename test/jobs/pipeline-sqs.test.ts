// The event path against real local SQS and DynamoDB Local: outbox items (in the ledger's agreed format)
// -> relay -> usage queue -> consumer -> rollups, with a poison message, a crashed consumer and a
// crashed relay.
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../shared/contracts/ledger-events';
import { relayOutboxOnce } from '../../ledger/src/jobs/outbox-relay';
import { ensureUsageQueues } from '../../ledger/src/jobs/queues';
import { rollupKeys } from '../../ledger/src/jobs/rollups';
import { createSqsPoller } from '../../ledger/src/jobs/sqs-poller';
import type { SqsRecord } from '../../ledger/src/jobs/sqs-types';
import { createUsageConsumer } from '../../ledger/src/jobs/usage-consumer';
import { testDynamoClient, testSqsClient, uniqueTablePrefix } from '../harness/aws';
import { createJobTables, eventually, queueDepth, readRollup, usageEvent } from './helpers';

const dynamo = testDynamoClient();
const sqs = testSqsClient();
const prefix = uniqueTablePrefix();
const quiet = () => undefined;
let tables: { ledgerTableName: string; rollupsTableName: string };

beforeAll(async () => {
  tables = await createJobTables(dynamo, prefix);
});

async function putOutbox(event: LedgerEvent, shard: number) {
  await dynamo.send(
    new PutItemCommand({
      TableName: tables.ledgerTableName,
      Item: marshall({ pk: `OUTBOX#${shard}`, sk: `${event.created_at}#${event.entry_id}`, event: JSON.stringify(event) }),
    }),
  );
}

async function outboxCount(): Promise<number> {
  let count = 0;
  for (let shard = 0; shard < 16; shard++) {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tables.ledgerTableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `OUTBOX#${shard}` } },
        Select: 'COUNT',
      }),
    );
    count += page.Count ?? 0;
  }
  return count;
}

function consumer() {
  return createUsageConsumer({ dynamo, rollupsTableName: tables.rollupsTableName, log: quiet });
}

async function drain(queueUrl: string) {
  const poller = createSqsPoller({ sqs, queueUrl, handler: consumer(), waitTimeSeconds: 0, log: quiet });
  await eventually('queue drained', async () => {
    await poller.pollOnce();
    const depth = await queueDepth(sqs, queueUrl);
    return depth.visible === 0 && depth.inFlight === 0;
  });
}

describe('outbox relay', () => {
  it('relays every shard in bounded pages, deletes what SQS accepted, and a re-send counts once', async () => {
    const queues = await ensureUsageQueues(sqs, { queueName: `${prefix}relay`, visibilityTimeoutS: 5 });
    const events = Array.from({ length: 45 }, (_, index) =>
      usageEvent({ app_id: 'app_relay', wallet_id: 'wal_relay', wallet_seq: index + 1, amount_micros: -(index + 1) }),
    );
    for (const [index, event] of events.entries()) await putOutbox(event, index % 16);
    // A relay that crashed after sending but before deleting: these 5 are sent again below.
    const resent = events.slice(0, 5);
    for (const event of resent) await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: JSON.stringify(event) }));

    let runs = 0;
    let result = await relayOutboxOnce({ ...base(queues.queueUrl), pagesPerShard: 1, pageItems: 2 });
    runs++;
    expect(result.more).toBe(true); // 45 items in 16 shards do not fit 1 page of 2 per shard
    while (result.more) {
      result = await relayOutboxOnce({ ...base(queues.queueUrl), pagesPerShard: 1, pageItems: 2 });
      runs++;
      expect(runs).toBeLessThan(10);
    }
    expect(await outboxCount()).toBe(0);
    await drain(queues.queueUrl);

    const app = await readRollup(dynamo, tables.rollupsTableName, rollupKeys.appDay('app_relay', '2025-03-01'));
    expect(app?.calls).toBe(45);
    expect(app?.charged_micros).toBe((45 * 46) / 2);
  });
});

function base(queueUrl: string) {
  return { dynamo, sqs, ledgerTableName: tables.ledgerTableName, queueUrl, log: quiet };
}

describe('usage consumer on SQS', () => {
  it('moves a poison message to the DLQ after N receives without blocking the rest', async () => {
    const queues = await ensureUsageQueues(sqs, { queueName: `${prefix}poison`, maxReceiveCount: 3, visibilityTimeoutS: 1 });
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: '{"not":"an event"' }));
    const good = Array.from({ length: 12 }, (_, index) => usageEvent({ app_id: 'app_poison', wallet_seq: index + 1 }));
    for (const event of good) await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: JSON.stringify(event) }));

    const receiveCounts: number[] = [];
    const handler = consumer();
    const poller = createSqsPoller({
      sqs,
      queueUrl: queues.queueUrl,
      waitTimeSeconds: 0,
      log: quiet,
      handler: async (event) => {
        for (const record of event.Records) {
          if (record.body.startsWith('{"not"')) receiveCounts.push(Number(record.attributes.ApproximateReceiveCount));
        }
        return handler(event);
      },
    });
    await eventually('poison in DLQ', async () => {
      await poller.pollOnce();
      return (await queueDepth(sqs, queues.dlqUrl)).visible === 1;
    });
    await drain(queues.queueUrl);
    expect(receiveCounts).toEqual([1, 2, 3]);
    const app = await readRollup(dynamo, tables.rollupsTableName, rollupKeys.appDay('app_poison', '2025-03-01'));
    expect(app?.calls).toBe(12);
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.dlqUrl, MaxNumberOfMessages: 10 }));
    expect(dead.Messages?.map((message) => message.Body)).toEqual(['{"not":"an event"']);
  });

  it('a consumer killed mid-batch loses nothing and counts nothing twice', async () => {
    const queues = await ensureUsageQueues(sqs, { queueName: `${prefix}crash`, visibilityTimeoutS: 1 });
    const events = Array.from({ length: 10 }, (_, index) =>
      usageEvent({ app_id: 'app_crash', wallet_seq: index + 1, amount_micros: -(index + 1) * 1_000 }),
    );
    for (const event of events) await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: JSON.stringify(event) }));

    // The doomed process receives the batch, commits the rollups of the first half, and dies before
    // answering: no message is deleted, so all 10 reappear after the visibility timeout.
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );
    expect(received.Messages).toHaveLength(10);
    const firstHalf: SqsRecord[] = received.Messages!.slice(0, 5).map((message) => ({
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body!,
      attributes: { ApproximateReceiveCount: '1' },
    }));
    expect((await consumer()({ Records: firstHalf })).batchItemFailures).toEqual([]);

    await drain(queues.queueUrl);
    const app = await readRollup(dynamo, tables.rollupsTableName, rollupKeys.appDay('app_crash', '2025-03-01'));
    expect(app?.calls).toBe(10);
    expect(app?.charged_micros).toBe(55_000);
  });
});
