import type { ReconciliationRun, Reconciler, RunOptions } from '../reconciliation';
import type { UsageReader } from '../usage-query';

/** What the jobs routes need, built once per process (see ledger/src/jobs/mount.ts). */
export interface JobRouteServices {
  usage: UsageReader;
  reconciler: Reconciler;
  /** Runs one reconciliation without overlapping the scheduled one. */
  runReconciliation(options?: RunOptions): Promise<ReconciliationRun>;
}
