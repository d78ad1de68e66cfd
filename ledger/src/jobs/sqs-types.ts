// The slice of AWS Lambda's SQS event source types the consumer uses (no @types/aws-lambda needed).
// Shapes per https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html. Plus the one helper both
// SQS handlers share to read a record's body.

export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: { ApproximateReceiveCount: string; SentTimestamp?: string; [name: string]: string | undefined };
  eventSource?: 'aws:sqs';
  eventSourceARN?: string;
}

export interface SqsEvent {
  Records: SqsRecord[];
}

/** Partial-batch response (needs `ReportBatchItemFailures` on the event source mapping). */
export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

export type SqsBatchHandler = (event: SqsEvent) => Promise<SqsBatchResponse>;

/** The record's body parsed as JSON, or undefined when it is not JSON (the caller's schema rejects it). */
export function recordJson(record: SqsRecord): unknown {
  try {
    return JSON.parse(record.body);
  } catch {
    return undefined;
  }
}
