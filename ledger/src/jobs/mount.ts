// Builds the jobs' route services over the ledger's DynamoDB tables, synchronously, so the ledger
// server can register the jobs routes before it serves (see registerJobRoutes in ./routes).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LEDGER_TABLE, physicalTableName, ROLLUPS_TABLE } from '../store/tables';
import type { HoldExpiryPort } from './hold-expiry';
import type { JobLogger } from './log';
import { type ReconciliationRun, Reconciler, type RunOptions } from './reconciliation';
import type { JobRouteServices } from './routes/services';
import { UsageReader } from './usage-query';

export interface JobServicesOptions {
  dynamo: DynamoDBClient;
  tablePrefix: string;
  /** The ledger core's holds (LedgerService.holds): expiry goes through its release operation. */
  holds: HoldExpiryPort;
  clock?: () => Date;
  settleMs?: number;
  log?: JobLogger;
}

export function createJobRouteServices(options: JobServicesOptions): JobRouteServices {
  const rollupsTableName = physicalTableName(options.tablePrefix, ROLLUPS_TABLE);
  const reconciler = new Reconciler({
    dynamo: options.dynamo,
    ledgerTableName: physicalTableName(options.tablePrefix, LEDGER_TABLE),
    rollupsTableName,
    holds: options.holds,
    clock: options.clock,
    settleMs: options.settleMs,
    log: options.log,
  });
  // One run at a time per process: the schedule and the admin trigger queue behind each other.
  let tail: Promise<unknown> = Promise.resolve();
  return {
    usage: new UsageReader(options.dynamo, rollupsTableName),
    reconciler,
    runReconciliation(runOptions?: RunOptions): Promise<ReconciliationRun> {
      const next = tail.catch(() => undefined).then(() => reconciler.run(runOptions));
      tail = next;
      return next;
    },
  };
}
