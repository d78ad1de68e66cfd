// The adapter's retry policy, against a stand-in for the AWS client (DynamoDB Local never raises
// TransactionConflictException or throttles, so these paths need a scripted client).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoLedgerTable } from './dynamo-table';
import { ConditionFailedError, type WriteOp } from './port';

function scriptedClient(outcomes: Array<Error | object>) {
  let calls = 0;
  const client = {
    send: async () => {
      const outcome = outcomes[Math.min(calls, outcomes.length - 1)];
      calls++;
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  } as unknown as DynamoDBClient;
  return { client, calls: () => calls };
}

function awsError(name: string, extra: object = {}): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } }, extra);
}

const OPS: WriteOp[] = [
  { kind: 'put', item: { pk: 'a', sk: 'b' }, condition: 'attribute_not_exists(pk)' },
  { kind: 'update', key: { pk: 'w', sk: 'WALLET' }, update: 'SET x = :x', values: { ':x': 1 } },
];
const noSleep = async () => {};

describe('DynamoLedgerTable', () => {
  it('retries transaction conflicts and throttling, then succeeds', async () => {
    const conflict = awsError('TransactionCanceledException', { CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }] });
    const { client, calls } = scriptedClient([conflict, awsError('TransactionConflictException'), awsError('ThrottlingException'), {}]);
    await new DynamoLedgerTable(client, 'p-', { sleep: noSleep }).transact(OPS);
    expect(calls()).toBe(4);
  });

  it('gives up after the retry bound', async () => {
    const { client, calls } = scriptedClient([awsError('ProvisionedThroughputExceededException')]);
    await expect(new DynamoLedgerTable(client, 'p-', { sleep: noSleep, retriesMax: 3 }).transact(OPS)).rejects.toThrow();
    expect(calls()).toBe(4);
  });

  it('decodes a failed condition once, never retrying it, with the items as they were', async () => {
    const cancelled = awsError('TransactionCanceledException', {
      CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: marshall({ pk: 'w', sk: 'WALLET', available_micros: 7 }) }],
    });
    const { client, calls } = scriptedClient([cancelled]);
    const error = await new DynamoLedgerTable(client, 'p-', { sleep: noSleep }).transact(OPS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConditionFailedError);
    const failed = error as ConditionFailedError;
    expect(failed.failedAt(0)).toBe(false);
    expect(failed.failedAt(1)).toBe(true);
    expect(failed.itemAt(1)).toEqual({ pk: 'w', sk: 'WALLET', available_micros: 7 });
    expect(calls()).toBe(1);
  });

  it('does not retry a validation error', async () => {
    const { client, calls } = scriptedClient([awsError('ValidationException')]);
    await expect(new DynamoLedgerTable(client, 'p-', { sleep: noSleep }).transact(OPS)).rejects.toThrow('ValidationException');
    expect(calls()).toBe(1);
  });
});
