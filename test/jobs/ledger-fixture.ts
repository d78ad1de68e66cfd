// The real ledger core over DynamoDB Local (own table prefix, movable clock) wired to the jobs:
// the relay to a fresh local SQS queue, the consumer into the rollups, the reconciler.
import { hashApiKey } from '../../shared/api-keys';
import { LedgerService } from '../../ledger/src/core/service';
import { relayOutboxOnce } from '../../ledger/src/jobs/outbox-relay';
import { ensureUsageQueues } from '../../ledger/src/jobs/queues';
import { Reconciler } from '../../ledger/src/jobs/reconciliation';
import { createSqsPoller } from '../../ledger/src/jobs/sqs-poller';
import { createUsageConsumer } from '../../ledger/src/jobs/usage-consumer';
import { UsageReader } from '../../ledger/src/jobs/usage-query';
import type { JobLogger } from '../../ledger/src/jobs/log';
import { ensureTables } from '../../ledger/src/store/ensure-tables';
import { LEDGER_TABLE, physicalTableName, ROLLUPS_TABLE } from '../../ledger/src/store/tables';
import { testDynamoClient, testSqsClient, uniqueTablePrefix } from '../harness/aws';
import { eventually, queueDepth } from './helpers';

export const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
export const NOVA = 'amazon.nova-lite-v1:0';

export class TestClock {
  constructor(private nowMs = Date.parse('2026-03-10T08:00:00.000Z')) {}
  readonly now = () => new Date(this.nowMs);
  advance(ms: number) {
    this.nowMs += ms;
  }
}

export interface LoggedLine {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
  alert: boolean;
}

export async function pipelineFixture() {
  const dynamo = testDynamoClient({ maxAttempts: 3 });
  const sqs = testSqsClient();
  const prefix = uniqueTablePrefix();
  await ensureTables(dynamo, prefix);
  const clock = new TestClock();
  const ledger = LedgerService.forDynamo(dynamo, prefix, { clock: clock.now });
  await ledger.seedPricesIfEmpty();
  const ledgerTableName = physicalTableName(prefix, LEDGER_TABLE);
  const rollupsTableName = physicalTableName(prefix, ROLLUPS_TABLE);
  const queues = await ensureUsageQueues(sqs, { queueName: `${prefix}usage`, visibilityTimeoutS: 5 });
  const logged: LoggedLine[] = [];
  const log: JobLogger = (level, msg, fields = {}, alert = false) => logged.push({ level, msg, fields, alert });
  const consumer = createUsageConsumer({ dynamo, rollupsTableName, log });
  const poller = createSqsPoller({ sqs, queueUrl: queues.queueUrl, handler: consumer, waitTimeSeconds: 0, log });
  const reconciler = new Reconciler({ dynamo, ledgerTableName, rollupsTableName, holds: ledger.holds, clock: clock.now, log });
  const usage = new UsageReader(dynamo, rollupsTableName);

  /** Relays the whole outbox and consumes the whole queue. */
  async function flush() {
    for (let run = 0; run < 1_000; run++) {
      if (!(await relayOutboxOnce({ dynamo, sqs, ledgerTableName, queueUrl: queues.queueUrl, log })).more) break;
    }
    await eventually('usage queue drained', async () => {
      // Several batches at once, as Lambda runs concurrent invocations.
      await Promise.all(Array.from({ length: 4 }, () => poller.pollOnce()));
      const depth = await queueDepth(sqs, queues.queueUrl);
      return depth.visible === 0 && depth.inFlight === 0;
    }, 30_000, 0);
  }

  async function payer(appId: string, balanceMicros: number) {
    const wallet = await ledger.wallets.create();
    if (balanceMicros > 0) await ledger.wallets.credit(wallet.wallet_id, balanceMicros, `seed-${wallet.wallet_id}`);
    return grantTo(wallet.wallet_id, appId);
  }

  async function grantTo(walletId: string, appId: string) {
    const appUserId = `user-${walletId}`;
    await ledger.grants.grant({ wallet_id: walletId, app_id: appId, app_user_id: appUserId });
    return { walletId, appUserId };
  }

  async function app(name: string) {
    const created = await ledger.apps.create({ name });
    return { appId: created.app_id, apiKeyHash: await hashApiKey(created.api_key) };
  }

  return { dynamo, sqs, prefix, clock, ledger, ledgerTableName, rollupsTableName, queues, logged, consumer, reconciler, usage, flush, payer, grantTo, app };
}
