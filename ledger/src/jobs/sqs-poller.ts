// Runs a Lambda-style SQS batch handler against a queue, as Lambda's event source mapping would:
// receive up to 10, hand them over, delete the ones that succeeded, leave the failures to reappear
// after the visibility timeout (the queue's redrive policy moves them to the DLQ after N receives).
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { SQS_BATCH_MESSAGES_MAX } from '../../../shared/limits';
import { type JobLogger, logJob } from './log';
import type { SqsBatchHandler, SqsRecord } from './sqs-types';

export interface SqsPollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  handler: SqsBatchHandler;
  /** Long-poll wait per receive (0..20). */
  waitTimeSeconds?: number;
  log?: JobLogger;
}

export interface PollResult {
  received: number;
  deleted: number;
  failed: number;
}

export interface SqsPoller {
  /** One receive + handle + delete round. */
  pollOnce(signal?: AbortSignal): Promise<PollResult>;
  /** Polls until stop(); errors are logged and retried after a bounded back-off. */
  start(): void;
  stop(): Promise<void>;
}

const ERROR_BACKOFF_MS = 1_000;

export function createSqsPoller(options: SqsPollerOptions): SqsPoller {
  const log = options.log ?? logJob;
  let loop: Promise<void> | null = null;
  let controller: AbortController | null = null;

  async function pollOnce(signal?: AbortSignal): Promise<PollResult> {
    const received = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: SQS_BATCH_MESSAGES_MAX,
        WaitTimeSeconds: options.waitTimeSeconds ?? 1,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        // The older spelling too: local-aws-sqs only honours that one; real SQS accepts both.
        AttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return { received: 0, deleted: 0, failed: 0 };
    const records = messages.map(toRecord);
    const response = await options.handler({ Records: records });
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    const done = records.filter((record) => !failed.has(record.messageId));
    if (done.length > 0) {
      const deleted = await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
      // A failed delete only means a redelivery, which the consumer absorbs (idempotent per event id).
      if (deleted.Failed?.length) log('warn', 'sqs_delete_failed', { count: deleted.Failed.length });
    }
    return { received: records.length, deleted: done.length, failed: failed.size };
  }

  async function run(signal: AbortSignal) {
    while (!signal.aborted) {
      try {
        await pollOnce(signal);
      } catch (error) {
        if (signal.aborted) return;
        log('error', 'sqs_poll_failed', { error: error instanceof Error ? error.message : String(error) });
        await abortableDelay(ERROR_BACKOFF_MS, signal);
      }
    }
  }

  return {
    pollOnce,
    start() {
      if (loop) return;
      controller = new AbortController();
      loop = run(controller.signal);
    },
    async stop() {
      controller?.abort();
      await loop;
      loop = null;
      controller = null;
    },
  };
}

function toRecord(message: Message): SqsRecord {
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
      SentTimestamp: message.Attributes?.SentTimestamp,
    },
    eventSource: 'aws:sqs',
  };
}

/** Resolves after `ms` or as soon as `signal` aborts (used for back-off, never for synchronisation). */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
