// Grant edits (cap changes, the monthly roll) under holds and captures that keep moving the grant's
// counters: they apply with one write, never retry into `ledger_unavailable`, and keep
// cap_remaining = cap - spent - held.
import { describe, expect, it } from 'vitest';
import { seedModelPrices } from '../../shared/price-seed';
import { holdAmountMicros } from '../../shared/pricing';
import { LedgerService } from '../../ledger/src/core/service';
import type { WriteOp } from '../../ledger/src/store/port';
import { codeOf, HAIKU, type Payer, ledgerFixture } from './fixture';
import { expectWalletInvariants } from './invariants';
import { RivalFirstTable } from './rival-table';

const price = seedModelPrices().find((m) => m.model === HAIKU)!;
const INPUT = 200;
const OUTPUT = 4_000;
const FULL = holdAmountMicros(price, INPUT, OUTPUT);

function holdRequest(p: Payer, holdId: string, output = OUTPUT) {
  return { hold_id: holdId, api_key_hash: p.apiKeyHash, app_user_id: p.appUserId, model: HAIKU, input_tokens_estimate: INPUT, output_tokens_max: output };
}

describe('grant edits under contention', () => {
  it('a cap change while holds keep moving the grant counters applies at once and keeps remaining = cap - spent - held', async () => {
    let rivals!: LedgerService;
    let p!: Payer;
    const capEdit = (ops: readonly WriteOp[]) => ops.some((op) => op.kind === 'update' && op.update.includes('monthly_cap_micros = :cap'));
    let table!: RivalFirstTable;
    const f = await ledgerFixture({
      wrap: (inner) => {
        table = new RivalFirstTable(inner, capEdit, async (n) => {
          const holdId = `hold_rival_${n}`;
          await rivals.holds.hold(holdRequest(p, holdId, 100));
          if (n % 2 === 1) await rivals.holds.capture(holdId, { input_tokens: INPUT, output_tokens: 50, usage_source: 'provider' });
        });
        return table;
      },
    });
    rivals = new LedgerService({ table: f.table, clock: f.clock.now });
    p = await f.payer({ balance_micros: 50 * FULL, monthly_cap_micros: 20 * FULL });
    const lowered = await f.service.grants.setCap(p.walletId, p.appId, 10 * FULL);
    expect(lowered.monthly_cap_micros).toBe(10 * FULL);
    await f.service.grants.setCap(p.walletId, p.appId, null);
    await f.service.grants.grant({ wallet_id: p.walletId, app_id: p.appId, app_user_id: p.appUserId, monthly_cap_micros: 5 * FULL });
    expect(table.matched).toBe(3); // one write each: holds moving spent and held never made an edit retry
    const grant = (await f.service.grants.get(p.walletId, p.appId))!;
    expect(grant.monthly_cap_micros).toBe(5 * FULL);
    await expectWalletInvariants(f.client, f.prefix, p.walletId);
  });

  it('a new month rolls the grant once even while captures move its spend', async () => {
    const f = await ledgerFixture();
    const p = await f.payer({ balance_micros: 50 * FULL, monthly_cap_micros: 3 * FULL });
    await f.service.holds.hold(holdRequest(p, 'hold_march'));
    f.clock.set(new Date('2026-04-01T00:00:01.000Z'));
    const april = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const holdId = `hold_april_${i}`;
        try {
          await f.service.holds.hold(holdRequest(p, holdId, 1_000));
        } catch (error) {
          return codeOf(error);
        }
        await f.service.holds.capture(holdId, { input_tokens: INPUT, output_tokens: 500, usage_source: 'provider' });
        return 'captured';
      }),
    );
    expect(april.filter((code) => code !== 'captured' && code !== 'app_cap_exceeded')).toEqual([]);
    const grant = (await f.service.grants.get(p.walletId, p.appId))!;
    expect(grant.cap_period).toBe('2026-04');
    expect(grant.cap_held_micros).toBe(FULL); // March's hold is still held, and still counts against the cap
    await expectWalletInvariants(f.client, f.prefix, p.walletId);
  });
});
