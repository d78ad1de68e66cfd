// Shared fixtures for the jobs tests: tables, queues, hand-made ledger events and rollup reads.
import { CreateTableCommand, type DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { randomId } from '../../shared/api-keys';
import type { LedgerEvent } from '../../shared/contracts/ledger-events';
import { createTableInput, LEDGER_TABLE, physicalTableName, ROLLUPS_TABLE } from '../../ledger/src/store/tables';

export async function createJobTables(dynamo: DynamoDBClient, prefix: string) {
  for (const table of [LEDGER_TABLE, ROLLUPS_TABLE]) await dynamo.send(new CreateTableCommand(createTableInput(prefix, table)));
  return { ledgerTableName: physicalTableName(prefix, LEDGER_TABLE), rollupsTableName: physicalTableName(prefix, ROLLUPS_TABLE) };
}

export function usageEvent(overrides: Partial<LedgerEvent> = {}): LedgerEvent {
  const entryId = overrides.entry_id ?? randomId('ent');
  return {
    event_id: entryId,
    event_type: 'ledger.entry.posted',
    entry_id: entryId,
    wallet_id: 'wal_a',
    wallet_seq: 1,
    type: 'usage',
    amount_micros: -1_100,
    balance_after_micros: 10_000,
    app_id: 'app_a',
    model: 'model-x',
    input_tokens: 100,
    output_tokens: 20,
    provider_cost_micros: 1_000,
    margin_micros: 100,
    price_version: 1,
    created_at: '2025-03-01T10:00:00.000Z',
    ...overrides,
  };
}

export async function readRollup(dynamo: DynamoDBClient, tableName: string, key: { pk: string; sk: string }) {
  const response = await dynamo.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND sk = :sk',
      ExpressionAttributeValues: { ':pk': { S: key.pk }, ':sk': { S: key.sk } },
      ConsistentRead: true,
    }),
  );
  const item = response.Items?.[0];
  return item ? unmarshall(item) : undefined;
}

export async function scanAll(dynamo: DynamoDBClient, tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: cursor }));
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return items;
}

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const response = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(response.Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(response.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/** Polls `check` until it returns true or the deadline passes (then throws with `what`). */
export async function eventually(what: string, check: () => Promise<boolean>, deadlineMs = 15_000, everyMs = 50) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
