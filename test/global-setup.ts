// Starts one DynamoDB Local and one local SQS for the whole run; each test file isolates itself with
// its own table-name prefix and queue names (see test/harness/). Endpoints reach tests via inject().
import type { TestProject } from 'vitest/node';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { startSqsLocal } from '../local/sqs-local';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sqsEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const [dynamo, sqs] = await Promise.all([startDynamoDbLocal(), startSqsLocal()]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sqsEndpoint', sqs.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), sqs.stop()]);
  };
}
