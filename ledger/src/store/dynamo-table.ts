// The DynamoDB adapter of the store port. Retries what a retry can fix (transaction conflicts,
// throttling, 5xx) with bounded exponential backoff and full jitter; a failed condition is never
// retried here: it is decoded into a ConditionFailedError for the core to act on.
import {
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteItemsCommand,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { LEDGER_RETRIES_MAX } from '../../../shared/limits';
import { ConditionFailedError, type Item, type ItemKey, type LedgerTable, type QueryInput, type WriteOp } from './port';
import { LEDGER_TABLE, physicalTableName } from './tables';

const BACKOFF_BASE_MS = 10;
const BACKOFF_CAP_MS = 1_000;
const TRANSACTION_OPS_MAX = 100;

const RETRYABLE_NAMES = new Set([
  'TransactionConflictException',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionInProgressException',
]);

interface AwsError {
  name?: string;
  $metadata?: { httpStatusCode?: number };
  CancellationReasons?: Array<{ Code?: string; Item?: Record<string, never> }>;
}

function isRetryable(error: AwsError): boolean {
  if (error.name && RETRYABLE_NAMES.has(error.name)) return true;
  if ((error.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  if (error.name === 'TransactionCanceledException') {
    // Cancelled only by conflicts or throttling (no failed condition): the same request may succeed.
    const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
    return !codes.includes('ConditionalCheckFailed') && codes.some((c) => c !== 'None');
  }
  return false;
}

export interface DynamoLedgerTableOptions {
  retriesMax?: number;
  /** Injected for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class DynamoLedgerTable implements LedgerTable {
  readonly tableName: string;
  private readonly retriesMax: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: DynamoDBClient,
    prefix: string,
    options: DynamoLedgerTableOptions = {},
  ) {
    this.tableName = physicalTableName(prefix, LEDGER_TABLE);
    this.retriesMax = options.retriesMax ?? LEDGER_RETRIES_MAX;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async get(key: ItemKey): Promise<Item | undefined> {
    const out = await this.withRetries(() =>
      this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(key), ConsistentRead: true })),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  async query(input: QueryInput): Promise<Item[]> {
    const pkName = input.index ? 'gsi1pk' : 'pk';
    const skName = input.index ? 'gsi1sk' : 'sk';
    const values: Record<string, unknown> = { ':pk': input.pk };
    let condition = '#pk = :pk';
    if (input.skBetween) {
      condition += ' AND #sk BETWEEN :lo AND :hi';
      values[':lo'] = input.skBetween[0];
      values[':hi'] = input.skBetween[1];
    } else if (input.skBeginsWith) {
      condition += ' AND begins_with(#sk, :prefix)';
      values[':prefix'] = input.skBeginsWith;
    }
    const request: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: input.index,
      KeyConditionExpression: condition,
      ExpressionAttributeNames: input.skBetween || input.skBeginsWith ? { '#pk': pkName, '#sk': skName } : { '#pk': pkName },
      ExpressionAttributeValues: marshall(values),
      ScanIndexForward: input.forward ?? true,
      ConsistentRead: input.index ? undefined : true,
    };
    const items: Item[] = [];
    // Bounded pagination: a page of DynamoDB is at most 1 MB, and we stop as soon as `limit` is met.
    for (let page = 0; page < input.limit + 1 && items.length < input.limit; page++) {
      const out = await this.withRetries(() =>
        this.client.send(new QueryCommand({ ...request, Limit: input.limit - items.length })),
      );
      for (const raw of out.Items ?? []) items.push(unmarshall(raw));
      if (!out.LastEvaluatedKey) break;
      request.ExclusiveStartKey = out.LastEvaluatedKey;
    }
    return items;
  }

  async transact(ops: readonly WriteOp[]): Promise<void> {
    if (ops.length === 0 || ops.length > TRANSACTION_OPS_MAX) throw new Error(`transaction of ${ops.length} ops`);
    const items = ops.map((op) => this.toTransactItem(op));
    try {
      await this.withRetries(() => this.client.send(new TransactWriteItemsCommand({ TransactItems: items })));
    } catch (error) {
      const aws = error as AwsError;
      if (aws.name === 'TransactionCanceledException' && aws.CancellationReasons) {
        const reasons = aws.CancellationReasons;
        if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) {
          throw new ConditionFailedError(
            ops.map((_, i) => ({
              failed: reasons[i]?.Code === 'ConditionalCheckFailed',
              item: reasons[i]?.Item ? unmarshall(reasons[i]!.Item!) : undefined,
            })),
          );
        }
      }
      throw error;
    }
  }

  private toTransactItem(op: WriteOp): TransactWriteItem {
    const common = {
      TableName: this.tableName,
      ConditionExpression: op.condition,
      ExpressionAttributeNames: op.names && Object.keys(op.names).length ? op.names : undefined,
      ExpressionAttributeValues:
        op.values && Object.keys(op.values).length ? marshall(op.values, { removeUndefinedValues: true }) : undefined,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    switch (op.kind) {
      case 'put':
        return { Put: { ...common, Item: marshall(op.item, { removeUndefinedValues: true }) } };
      case 'update':
        return { Update: { ...common, Key: marshall(op.key), UpdateExpression: op.update } };
      case 'check':
        return { ConditionCheck: { ...common, ConditionExpression: op.condition, Key: marshall(op.key) } };
      case 'delete':
        return { Delete: { ...common, Key: marshall(op.key) } };
    }
  }

  private async withRetries<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= this.retriesMax || !isRetryable(error as AwsError)) throw error;
        const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
        await this.sleep(Math.floor(Math.random() * ceiling));
      }
    }
  }
}
