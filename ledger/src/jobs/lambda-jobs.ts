// Lambda entry: the jobs queue, fed by EventBridge schedules with `{"job":"reconciliation"}` or
// `{"job":"hold_expiry"}`. Each message is one bounded run; a failed run is reported in
// batchItemFailures, so SQS retries it and dead-letters it after maxReceiveCount receives.
import { z } from 'zod';
import { LedgerService } from '../core/service';
import { releaseExpiredHolds } from './hold-expiry';
import { jobsEnv } from './lambda-env';
import { logJob } from './log';
import { createJobRouteServices } from './mount';
import type { JobRouteServices } from './routes/services';
import { recordJson, type SqsBatchHandler } from './sqs-types';

const JobMessageSchema = z.object({ job: z.enum(['reconciliation', 'hold_expiry']) });

let services: { jobs: JobRouteServices; ledger: LedgerService } | undefined;

function build() {
  if (services) return services;
  const env = jobsEnv();
  const ledger = LedgerService.forDynamo(env.dynamo, env.tablePrefix);
  services = { ledger, jobs: createJobRouteServices({ dynamo: env.dynamo, tablePrefix: env.tablePrefix, holds: ledger.holds }) };
  return services;
}

export const handler: SqsBatchHandler = async (event) => {
  const { jobs, ledger } = build();
  const failures: Array<{ itemIdentifier: string }> = [];
  for (const record of event.Records) {
    try {
      const message = JobMessageSchema.safeParse(recordJson(record));
      if (!message.success) throw new Error(`not a job message: ${message.error.issues[0]?.message ?? 'invalid'}`);
      if (message.data.job === 'reconciliation') await jobs.runReconciliation();
      else logJob('info', 'hold_expiry_run', { ...(await releaseExpiredHolds(ledger.holds, ledger.clock())) });
    } catch (error) {
      failures.push({ itemIdentifier: record.messageId });
      logJob('error', 'job_failed', { message_id: record.messageId, error: error instanceof Error ? error.message : String(error) }, true);
    }
  }
  return { batchItemFailures: failures };
};
