// Reconciliation and hold expiry against the real ledger core on DynamoDB Local and local SQS.
import { DeleteItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { HOLD_TTL_MS } from '../../shared/limits';
import { Reconciler } from '../../ledger/src/jobs/reconciliation';
import { entryKey, walletKey } from '../../ledger/src/store/keys';
import { HAIKU, pipelineFixture } from './ledger-fixture';

const FAR_FUTURE = new Date('2100-01-01T00:00:00Z');

type Fixture = Awaited<ReturnType<typeof pipelineFixture>>;

/** Corrupts a wallet behind the ledger's back: balance and available move by `micros`, so only its entries can tell. */
async function shiftBalanceBehindLedger(f: Fixture, walletId: string, micros: number): Promise<void> {
  await f.dynamo.send(
    new UpdateItemCommand({
      TableName: f.ledgerTableName,
      Key: marshall(walletKey(walletId)),
      UpdateExpression: 'ADD balance_micros :x, available_micros :x',
      ExpressionAttributeValues: marshall({ ':x': micros }),
    }),
  );
}

describe('hold expiry', () => {
  it('releases a hold left by a gateway that died mid-stream and restores the available amount', async () => {
    const f = await pipelineFixture();
    const { appId, apiKeyHash } = await f.app('expiry');
    const p = await f.payer(appId, 2_000_000);
    const hold = await f.ledger.holds.hold({
      hold_id: 'hold_expiry_test_1',
      api_key_hash: apiKeyHash,
      app_user_id: p.appUserId,
      model: HAIKU,
      input_tokens_estimate: 1_000,
      output_tokens_max: 1_000,
    });
    const during = await f.ledger.wallets.get(p.walletId);
    expect(during.available_micros).toBe(2_000_000 - hold.result.amount_micros);

    // Not yet expired: the run leaves it alone.
    f.clock.advance(HOLD_TTL_MS - 1_000);
    expect((await f.reconciler.run()).holds.released).toBe(0);
    expect((await f.ledger.wallets.get(p.walletId)).held_micros).toBe(hold.result.amount_micros);

    f.clock.advance(2_000);
    const run = await f.reconciler.run();
    expect(run.holds).toMatchObject({ released: 1, released_micros: hold.result.amount_micros, failed: 0 });
    const after = await f.ledger.wallets.get(p.walletId);
    expect(after).toMatchObject({ balance_micros: 2_000_000, held_micros: 0, available_micros: 2_000_000 });
    await expect(
      f.ledger.holds.capture('hold_expiry_test_1', { input_tokens: 1, output_tokens: 1, usage_source: 'provider' }),
    ).rejects.toMatchObject({ code: 'hold_already_resolved' });
    // A second run finds nothing left to release.
    expect((await f.reconciler.run()).holds.released).toBe(0);
  });
});

describe('reconciliation', () => {
  it('detects a corrupted balance and a dropped event, reports them and logs one alert line', async () => {
    const f = await pipelineFixture();
    const { appId, apiKeyHash } = await f.app('recon');
    const honest = await f.payer(appId, 3_000_000);
    const corrupted = await f.payer(appId, 3_000_000);
    const dropped = await f.payer(appId, 3_000_000);
    for (const [index, p] of [honest, corrupted, dropped].entries()) {
      for (let call = 0; call < 3; call++) {
        const holdId = `hold_recon_${index}_${call}`;
        await f.ledger.holds.hold({ hold_id: holdId, api_key_hash: apiKeyHash, app_user_id: p.appUserId, model: HAIKU, input_tokens_estimate: 500, output_tokens_max: 500 });
        await f.ledger.holds.capture(holdId, { input_tokens: 400 + call, output_tokens: 100, usage_source: 'provider' });
      }
    }
    // Clean state first: no drift at all.
    await f.flush();
    const clean = await f.reconciler.run({ rollupsSettledBefore: FAR_FUTURE });
    expect(clean.drifts).toEqual([]);
    expect(clean.wallets_checked).toBe(3);
    expect(clean.pass_complete).toBe(true);

    // Drop one event: delete the newest outbox item of `dropped` before the relay sees it.
    await f.ledger.wallets.credit(dropped.walletId, 1_234, 'credit-to-drop');
    const outbox = await f.dynamo.send(
      new QueryCommand({
        TableName: f.ledgerTableName,
        IndexName: undefined,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: (await outboxPkOf(dropped.walletId)) } },
      }),
    );
    const item = unmarshall(outbox.Items![0]!);
    await f.dynamo.send(new DeleteItemCommand({ TableName: f.ledgerTableName, Key: marshall({ pk: item.pk, sk: item.sk }) }));
    // Corrupt a balance behind the ledger's back (available too, so only the entries can tell).
    await shiftBalanceBehindLedger(f, corrupted.walletId, 7);
    await f.flush();
    const run = await f.reconciler.run({ rollupsSettledBefore: FAR_FUTURE });
    const kinds = run.drifts.map((drift) => [drift.wallet_id, drift.kind]);
    expect(kinds).toHaveLength(2);
    expect(kinds).toContainEqual([corrupted.walletId, 'balance_mismatch']);
    expect(kinds).toContainEqual([dropped.walletId, 'rollup_mismatch']);
    const mismatch = run.drifts.find((drift) => drift.kind === 'rollup_mismatch')!;
    expect(mismatch.day).toBe('2026-03-10');
    expect(mismatch.details).toEqual({
      counters: ['entries', 'net_micros'],
      ledger: { entries: 5, net_micros: expect.any(Number) },
      rollups: { entries: 4, net_micros: expect.any(Number) },
    });
    const details = mismatch.details as { ledger: { net_micros: number }; rollups: { net_micros: number } };
    expect(details.ledger.net_micros - details.rollups.net_micros).toBe(1_234);
    expect(run.drifts.find((drift) => drift.kind === 'balance_mismatch')!.details).toMatchObject({
      balance_micros: expect.any(Number),
    });

    const alerts = f.logged.filter((line) => line.alert);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 'error', msg: 'reconciliation_drift', fields: { drift_count: 2 } });

    // Reported, never fixed: the balance is still wrong and the report lists both as open.
    expect((await f.ledger.wallets.get(corrupted.walletId)).balance_micros % 10).not.toBe(0);
    const report = await f.reconciler.report();
    expect(report.latest_run?.run_id).toBe(run.run_id);
    expect(report.drifts.map((drift) => [drift.kind, drift.status])).toEqual(
      expect.arrayContaining([
        ['balance_mismatch', 'open'],
        ['rollup_mismatch', 'open'],
      ]),
    );
  });
});

describe('reconciliation of a long history', () => {
  it('verifies a wallet over several bounded runs, then watches only new entries until a full recheck', async () => {
    const f = await pipelineFixture();
    const { appId } = await f.app('long');
    const p = await f.payer(appId, 1_000_000);
    for (let i = 0; i < 12; i++) await f.ledger.wallets.credit(p.walletId, 1_000 + i, `long-credit-${i}`);
    await f.flush();
    const small = new Reconciler({
      dynamo: f.dynamo,
      ledgerTableName: f.ledgerTableName,
      rollupsTableName: f.rollupsTableName,
      holds: f.ledger.holds,
      clock: f.clock.now,
      entryPagesPerWallet: 1,
      entryPageItems: 5,
      log: () => undefined,
    });
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await small.run({ rollupsSettledBefore: FAR_FUTURE }));
    expect(runs.map((run) => [run.wallets_in_progress, run.wallets_checked, run.entries_checked])).toEqual([
      [1, 0, 5],
      [1, 0, 5],
      [0, 1, 3],
    ]);
    expect(runs.flatMap((run) => run.drifts)).toEqual([]);

    // Nothing new: nothing read. A corrupted balance is still caught at once (checkpoint + new entries).
    expect((await small.run({ rollupsSettledBefore: FAR_FUTURE })).entries_checked).toBe(0);
    await shiftBalanceBehindLedger(f, p.walletId, -3);
    expect((await small.run({ rollupsSettledBefore: FAR_FUTURE })).drifts.map((drift) => drift.kind)).toEqual(['balance_mismatch']);
    await shiftBalanceBehindLedger(f, p.walletId, 3);

    // An old entry removed behind the ledger's back: found by the next full recheck, and kept reported.
    await f.dynamo.send(new DeleteItemCommand({ TableName: f.ledgerTableName, Key: marshall(entryKey(p.walletId, 7)) }));
    expect((await small.run({ rollupsSettledBefore: FAR_FUTURE })).drifts).toEqual([]); // already verified
    f.clock.advance(25 * 60 * 60 * 1000);
    const kinds = new Set<string>();
    for (let i = 0; i < 4; i++) for (const drift of (await small.run({ rollupsSettledBefore: FAR_FUTURE })).drifts) kinds.add(drift.kind);
    expect([...kinds].sort()).toEqual(['balance_after_mismatch', 'balance_mismatch', 'rollup_mismatch', 'sequence_gap']);
    const last = await small.run({ rollupsSettledBefore: FAR_FUTURE });
    expect(last.drifts.map((drift) => drift.kind)).toContain('sequence_gap');
  });
});

async function outboxPkOf(walletId: string): Promise<string> {
  const { outboxPk, outboxShard } = await import('../../ledger/src/store/keys');
  return outboxPk(outboxShard(walletId));
}
