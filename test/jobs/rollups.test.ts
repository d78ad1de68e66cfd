// Rollups against DynamoDB Local: a duplicate changes nothing, order does not matter, and the counters
// land on every (wallet, day), (app, day), (app, model, day) and (model, day) item.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { applyEventToRollups, applyEventsToRollups, rollupDeltas, rollupKeys } from '../../ledger/src/jobs/rollups';
import { testDynamoClient, uniqueTablePrefix } from '../harness/aws';
import { createJobTables, readRollup, usageEvent } from './helpers';

const dynamo = testDynamoClient();
let rollups = '';
beforeAll(async () => {
  ({ rollupsTableName: rollups } = await createJobTables(dynamo, uniqueTablePrefix()));
});

describe('rollupDeltas', () => {
  it('counts a usage event on four items and a top-up on the wallet only', () => {
    const usage = rollupDeltas(usageEvent());
    expect(usage.map((delta) => delta.key)).toEqual([
      rollupKeys.walletDay('wal_a', '2025-03-01'),
      rollupKeys.appDay('app_a', '2025-03-01'),
      rollupKeys.appModelDay('app_a', '2025-03-01', 'model-x'),
      rollupKeys.modelDay('2025-03-01', 'model-x'),
    ]);
    expect(usage[1]!.counters).toEqual({
      calls: 1,
      input_tokens: 100,
      output_tokens: 20,
      charged_micros: 1_100,
      provider_cost_micros: 1_000,
      margin_micros: 100,
    });
    const topup = rollupDeltas(
      usageEvent({ type: 'topup', amount_micros: 5_000_000, app_id: null, model: null, input_tokens: null, output_tokens: null }),
    );
    expect(topup).toHaveLength(1);
    expect(topup[0]!.counters).toEqual({ entries: 1, net_micros: 5_000_000 });
  });

  it('refuses a usage event that credits the wallet', () => {
    expect(() => rollupDeltas(usageEvent({ amount_micros: 5 }))).toThrow(/credits the wallet/);
  });
});

describe('applyEventToRollups', () => {
  it('counts a duplicate delivery once', async () => {
    const event = usageEvent({ app_id: 'app_dup', wallet_id: 'wal_dup' });
    expect(await applyEventToRollups(dynamo, rollups, event, Date.now())).toBe('applied');
    expect(await applyEventToRollups(dynamo, rollups, event, Date.now())).toBe('duplicate');
    const results = await Promise.all([1, 2, 3].map(() => applyEventToRollups(dynamo, rollups, event, Date.now())));
    expect(results).toEqual(['duplicate', 'duplicate', 'duplicate']);
    const app = await readRollup(dynamo, rollups, rollupKeys.appDay('app_dup', '2025-03-01'));
    expect(app).toMatchObject({ calls: 1, charged_micros: 1_100, margin_micros: 100, input_tokens: 100, output_tokens: 20 });
    const wallet = await readRollup(dynamo, rollups, rollupKeys.walletDay('wal_dup', '2025-03-01'));
    expect(wallet).toMatchObject({ entries: 1, net_micros: -1_100, calls: 1 });
  });

  it('gives the same totals for any order and any duplication of deliveries', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ charged: fc.integer({ min: 0, max: 50_000 }), tokens: fc.integer({ min: 0, max: 9_999 }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        async (calls, picks) => {
          const appId = `app_${Math.random().toString(36).slice(2)}`;
          const events = calls.map((call, index) =>
            usageEvent({
              app_id: appId,
              wallet_id: `wal_${appId}`,
              wallet_seq: index + 1,
              amount_micros: -call.charged,
              input_tokens: call.tokens,
              provider_cost_micros: call.charged,
              margin_micros: 0,
            }),
          );
          // Every event at least once, then duplicates in an arbitrary order, some concurrently.
          const deliveries = [...events, ...picks.map((pick) => events[pick % events.length]!)].reverse();
          await Promise.all(deliveries.slice(0, 4).map((event) => applyEventToRollups(dynamo, rollups, event, Date.now())));
          for (const event of deliveries.slice(4)) await applyEventToRollups(dynamo, rollups, event, Date.now());
          const app = await readRollup(dynamo, rollups, rollupKeys.appDay(appId, '2025-03-01'));
          expect(app?.calls).toBe(calls.length);
          expect(app?.charged_micros).toBe(calls.reduce((sum, call) => sum + call.charged, 0));
          expect(app?.input_tokens).toBe(calls.reduce((sum, call) => sum + call.tokens, 0));
        },
      ),
      { numRuns: 10 },
    );
  });

  it('retries a transaction DynamoDB cancelled for a conflict (real DynamoDB does; DynamoDB Local never does)', async () => {
    let conflictsLeft = 2;
    const conflicting = {
      send: (command: unknown) => {
        if (conflictsLeft-- > 0) {
          throw new TransactionCanceledException({
            message: 'Transaction cancelled',
            $metadata: {},
            CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
          });
        }
        return dynamo.send(command as Parameters<DynamoDBClient['send']>[0]);
      },
    } as unknown as DynamoDBClient;
    const events = [usageEvent({ app_id: 'app_conflict' }), usageEvent({ app_id: 'app_conflict' })];
    const outcomes = await applyEventsToRollups(conflicting, rollups, events, Date.now());
    expect([...outcomes.values()]).toEqual(['applied', 'applied']);
    expect(conflictsLeft).toBe(-1);
    const app = await readRollup(dynamo, rollups, rollupKeys.appDay('app_conflict', '2025-03-01'));
    expect(app?.calls).toBe(2);
  });
});
