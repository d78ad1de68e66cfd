// The Lambda entry points as Lambda calls them: configured only by environment (the SDK's own
// AWS_ENDPOINT_URL_DYNAMODB points it at DynamoDB Local), fed SQS events, answering partial failures.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { rollupKeys } from '../../ledger/src/jobs/rollups';
import type { SqsRecord } from '../../ledger/src/jobs/sqs-types';
import { createJobTables, readRollup, usageEvent } from './helpers';
import { testDynamoClient, uniqueTablePrefix } from '../harness/aws';

const prefix = uniqueTablePrefix();
const record = (messageId: string, body: string): SqsRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: { ApproximateReceiveCount: '1' },
  eventSource: 'aws:sqs',
});

beforeAll(async () => {
  await createJobTables(testDynamoClient(), prefix);
  Object.assign(process.env, {
    FLEEEX_TABLE_PREFIX: prefix,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
});

describe('lambda-rollups handler', () => {
  it('applies good records once and reports only the bad ones', async () => {
    const { handler } = await import('../../ledger/src/jobs/lambda-rollups');
    const event = usageEvent({ app_id: 'app_lambda' });
    const response = await handler({
      Records: [record('m1', JSON.stringify(event)), record('m2', 'not json'), record('m3', JSON.stringify(event))],
    });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(await handler({ Records: [record('m4', JSON.stringify(event))] })).toEqual({ batchItemFailures: [] });
    const app = await readRollup(testDynamoClient(), `${prefix}rollups`, rollupKeys.appDay('app_lambda', '2025-03-01'));
    expect(app?.calls).toBe(1);
  });
});

describe('lambda-jobs handler', () => {
  it('runs scheduled reconciliation and hold expiry, and fails unknown jobs alone', async () => {
    const { handler } = await import('../../ledger/src/jobs/lambda-jobs');
    const response = await handler({
      Records: [record('j1', '{"job":"reconciliation"}'), record('j2', '{"job":"hold_expiry"}'), record('j3', '{"job":"mine_bitcoin"}')],
    });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'j3' }] });
    const latest = await readRollup(testDynamoClient(), `${prefix}rollups`, { pk: 'RECON', sk: 'LATEST' });
    expect(JSON.parse(String(latest?.run))).toMatchObject({ wallets_checked: 0, pass_complete: true });
  });
});
