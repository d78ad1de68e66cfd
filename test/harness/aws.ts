// AWS clients for tests, pointed at the run's DynamoDB Local / SQS, with retries off so errors surface.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { LOCAL_AWS_CREDENTIALS } from '../../local/dynamodb-local';
import { randomId } from '../../shared/api-keys';

export function testDynamoClient(options: { maxAttempts?: number } = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'local',
    credentials: LOCAL_AWS_CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 1,
  });
}

export function testSqsClient(): SQSClient {
  return new SQSClient({ endpoint: inject('sqsEndpoint'), region: 'us-east-1', credentials: LOCAL_AWS_CREDENTIALS, maxAttempts: 1 });
}

/** A table-name prefix unique to one test file (or one test), so tests never see each other's data. */
export function uniqueTablePrefix(): string {
  return `t${randomId('').replaceAll(/[^A-Za-z0-9]/g, '').slice(0, 12)}-`;
}
