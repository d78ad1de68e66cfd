// Under contention every answer is a truthful one: a hold either reserves (possibly clamped) or is
// refused with the code the table's own values (ALL_OLD) justify, and a posting that loses races
// completes; `ledger_unavailable` never stands for "this wallet is busy". (LiteLLM's phantom budget
// errors are what this rules out.)
import { describe, expect, it } from 'vitest';
import { LEDGER_RETRIES_MAX } from '../../shared/limits';
import { seedModelPrices } from '../../shared/price-seed';
import { OUTPUT_TOKENS_MIN_AFFORDABLE, holdAmountMicros } from '../../shared/pricing';
import { LedgerService } from '../../ledger/src/core/service';
import { codeOf, HAIKU, type Payer, ledgerFixture } from './fixture';
import { expectWalletInvariants } from './invariants';
import { RivalFirstTable, touchesHold } from './rival-table';

const price = seedModelPrices().find((m) => m.model === HAIKU)!;
const INPUT = 200;
const OUTPUT = 4_000;
const FULL = holdAmountMicros(price, INPUT, OUTPUT);
const FLOOR = holdAmountMicros(price, INPUT, OUTPUT_TOKENS_MIN_AFFORDABLE);

function holdRequest(p: Payer, holdId: string, output = OUTPUT) {
  return { hold_id: holdId, api_key_hash: p.apiKeyHash, app_user_id: p.appUserId, model: HAIKU, input_tokens_estimate: INPUT, output_tokens_max: output };
}

describe('truthful answers under contention', () => {
  it('200 concurrent hold+capture calls from two ledger processes on a wallet affording ~20 holds: never 503', async () => {
    const f = await ledgerFixture();
    const other = new LedgerService({ table: f.table, clock: f.clock.now });
    const p = await f.payer({ balance_micros: 20 * FULL + Math.floor(FULL / 2) });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, async (_, i) => {
        const ledger = i % 2 === 0 ? f.service : other;
        const holdId = `hold_t_${String(i).padStart(4, '0')}`;
        const held = await ledger.holds.hold(holdRequest(p, holdId));
        await ledger.holds.capture(holdId, { input_tokens: INPUT, output_tokens: 40, usage_source: 'provider' });
        return held.result.amount_micros;
      }),
    );
    const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [codeOf(o.reason)] : []));
    expect(refusals.filter((code) => code !== 'insufficient_balance')).toEqual([]);
    expect(refusals.length).toBeLessThan(200);
    const snapshot = await expectWalletInvariants(f.client, f.prefix, p.walletId);
    expect(snapshot.held_micros).toBe(0);
  }, 60_000);

  it('a hold that loses every race to other holds still ends in a hold, within the retry bound', async () => {
    let rivalTable!: RivalFirstTable;
    const victimId = 'hold_victim';
    let rivals!: LedgerService;
    let p!: Payer;
    const f = await ledgerFixture({
      wrap: (table) => {
        rivalTable = new RivalFirstTable(table, touchesHold(victimId), async (n) => {
          // Another process reserves a little just before each of the victim's attempts.
          await rivals.holds.hold({ ...holdRequest(p, `hold_rival_${n}`, 50), input_tokens_estimate: 0 });
        });
        return rivalTable;
      },
    });
    rivals = new LedgerService({ table: f.table, clock: f.clock.now });
    p = await f.payer({ balance_micros: FULL - Math.floor(FULL / 20) });
    const got = await f.service.holds.hold(holdRequest(p, victimId));
    expect(got.result.output_tokens_max).toBeGreaterThanOrEqual(OUTPUT_TOKENS_MIN_AFFORDABLE);
    expect(got.result.amount_micros).toBeGreaterThanOrEqual(FLOOR);
    expect(rivalTable.matched).toBeLessThanOrEqual(LEDGER_RETRIES_MAX + 1);
    const snapshot = await expectWalletInvariants(f.client, f.prefix, p.walletId);
    expect(snapshot.available_micros).toBeGreaterThanOrEqual(0);
  });

  it('a hold that loses its races until the wallet cannot pay the minimum is refused insufficient_balance', async () => {
    const victimId = 'hold_victim';
    let rivals!: LedgerService;
    let p!: Payer;
    const f = await ledgerFixture({
      wrap: (table) =>
        new RivalFirstTable(table, touchesHold(victimId), async (n) => {
          await rivals.holds.hold({ ...holdRequest(p, `hold_rival_${n}`, 2_000) });
        }),
    });
    rivals = new LedgerService({ table: f.table, clock: f.clock.now });
    p = await f.payer({ balance_micros: FULL - Math.floor(FULL / 20) });
    await expect(f.service.holds.hold(holdRequest(p, victimId))).rejects.toMatchObject({ code: 'insufficient_balance' });
    const snapshot = await expectWalletInvariants(f.client, f.prefix, p.walletId);
    expect(snapshot.available_micros).toBeLessThan(FLOOR);
  });

  it('a capture that loses more races than LEDGER_RETRIES_MAX to another process posting still captures once', async () => {
    const victimId = 'hold_victim';
    let rivals!: LedgerService;
    let p!: Payer;
    const f = await ledgerFixture({
      wrap: (table) =>
        new RivalFirstTable(table, (ops) => touchesHold(victimId)(ops) && ops.some((op) => op.kind === 'update' && op.update.includes(':captured')), async (n) => {
          if (n <= LEDGER_RETRIES_MAX + 2) await rivals.wallets.credit(p.walletId, 1, `rival-credit-${n}`);
        }),
    });
    rivals = new LedgerService({ table: f.table, clock: f.clock.now });
    p = await f.payer({ balance_micros: 2 * FULL });
    await f.service.holds.hold(holdRequest(p, victimId));
    const captured = await f.service.holds.capture(victimId, { input_tokens: INPUT, output_tokens: 100, usage_source: 'provider' });
    expect(captured.replayed).toBe(false);
    const snapshot = await expectWalletInvariants(f.client, f.prefix, p.walletId);
    expect(snapshot.balance_micros).toBe(2 * FULL + LEDGER_RETRIES_MAX + 3 - captured.result.charged_micros);
  });
});
