// Creates the usage queue and its dead-letter queue (idempotent: CreateQueue with the same attributes
// returns the existing queue). In production Terraform owns these; locally `npm start` and tests call this.
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { USAGE_QUEUE_MAX_RECEIVE_COUNT, USAGE_QUEUE_VISIBILITY_TIMEOUT_S } from '../../../shared/limits';

export interface UsageQueues {
  queueUrl: string;
  dlqUrl: string;
}

export interface EnsureUsageQueuesOptions {
  queueName: string;
  maxReceiveCount?: number;
  visibilityTimeoutS?: number;
}

export async function ensureUsageQueues(sqs: SQSClient, options: EnsureUsageQueuesOptions): Promise<UsageQueues> {
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: `${options.queueName}-dlq`, Attributes: { MessageRetentionPeriod: '1209600' } }),
  );
  const dlqUrl = required(dlq.QueueUrl, 'DLQ url');
  const dlqAttributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
  const dlqArn = required(dlqAttributes.Attributes?.QueueArn, 'DLQ arn');
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: options.queueName,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutS ?? USAGE_QUEUE_VISIBILITY_TIMEOUT_S),
        MessageRetentionPeriod: '1209600',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: options.maxReceiveCount ?? USAGE_QUEUE_MAX_RECEIVE_COUNT,
        }),
      },
    }),
  );
  return { queueUrl: required(queue.QueueUrl, 'queue url'), dlqUrl };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`SQS returned no ${what}`);
  return value;
}
