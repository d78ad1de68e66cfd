// Lambda entry: the usage queue's consumer (event source mapping with ReportBatchItemFailures).
import { ROLLUPS_TABLE, physicalTableName } from '../store/tables';
import { jobsEnv } from './lambda-env';
import type { SqsBatchHandler } from './sqs-types';
import { createUsageConsumer } from './usage-consumer';

let consumer: SqsBatchHandler | undefined;

export const handler: SqsBatchHandler = (event) => {
  if (!consumer) {
    const env = jobsEnv();
    consumer = createUsageConsumer({ dynamo: env.dynamo, rollupsTableName: physicalTableName(env.tablePrefix, ROLLUPS_TABLE) });
  }
  return consumer(event);
};
