// Many concurrent calls on one wallet: exactly what the balance covers succeeds, nothing more, and the
// wallet is never below zero, also with two ledger processes racing on the same wallet.
import { describe, expect, it } from 'vitest';
import { seedModelPrices } from '../../shared/price-seed';
import { holdAmountMicros } from '../../shared/pricing';
import { LedgerService } from '../../ledger/src/core/service';
import { walletKey } from '../../ledger/src/store/keys';
import { codeOf, HAIKU, ledgerFixture } from './fixture';
import { expectWalletInvariants } from './invariants';

const price = seedModelPrices().find((m) => m.model === HAIKU)!;
const INPUT = 100;
const OUTPUT = 100;
const HOLD_AMOUNT = holdAmountMicros(price, INPUT, OUTPUT);

describe('concurrency on one wallet', () => {
  it('1,000 concurrent holds on a balance covering exactly 250 of them: exactly 250 succeed', async () => {
    const f = await ledgerFixture();
    const covered = 250;
    const p = await f.payer({ balance_micros: covered * HOLD_AMOUNT });
    let done = false;
    let lowestAvailable = Number.POSITIVE_INFINITY;
    const watcher = (async () => {
      // Reads the wallet while the holds run: available must never be seen below zero.
      for (let i = 0; i < 10_000 && !done; i++) {
        const item = await f.table.get(walletKey(p.walletId));
        lowestAvailable = Math.min(lowestAvailable, Number(item!['available_micros']));
      }
    })();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 1_000 }, (_, i) =>
        f.service.holds.hold({
          hold_id: `hold_c_${String(i).padStart(4, '0')}`,
          api_key_hash: p.apiKeyHash,
          app_user_id: p.appUserId,
          model: HAIKU,
          input_tokens_estimate: INPUT,
          output_tokens_max: OUTPUT,
        }),
      ),
    );
    done = true;
    await watcher;
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [codeOf(o.reason)] : []));
    expect(ok.length).toBe(covered);
    expect(new Set(refusals)).toEqual(new Set(['insufficient_balance']));
    for (const o of ok) expect(o.value.result.amount_micros).toBe(HOLD_AMOUNT);
    expect(lowestAvailable).toBeGreaterThanOrEqual(0);
    const snapshot = await expectWalletInvariants(f.client, f.prefix, p.walletId);
    expect(snapshot.available_micros).toBe(0);
    expect(snapshot.held_micros).toBe(covered * HOLD_AMOUNT);
  }, 180_000);

  it('holds, captures and releases interleaved from two ledger processes keep every invariant', async () => {
    const f = await ledgerFixture();
    const other = new LedgerService({ table: f.table, clock: f.clock.now });
    const start = 60 * HOLD_AMOUNT;
    const p = await f.payer({ balance_micros: start });
    const calls = 200;
    const results = await Promise.all(
      Array.from({ length: calls }, async (_, i) => {
        const ledger = i % 2 === 0 ? f.service : other;
        const holdId = `hold_i_${String(i).padStart(4, '0')}`;
        try {
          await ledger.holds.hold({
            hold_id: holdId,
            api_key_hash: p.apiKeyHash,
            app_user_id: p.appUserId,
            model: HAIKU,
            input_tokens_estimate: INPUT,
            output_tokens_max: OUTPUT,
          });
        } catch (error) {
          return { kind: codeOf(error), charged: 0 };
        }
        if (i % 3 === 0) {
          await ledger.holds.release(holdId, { reason: 'client_cancelled' });
          return { kind: 'released', charged: 0 };
        }
        // A gateway retries a capture the ledger could not complete in time: same id, same usage.
        for (let attempt = 0; attempt < 5; attempt++) {
          try {
            const captured = await ledger.holds.capture(holdId, { input_tokens: INPUT, output_tokens: (i % 7) * 10, usage_source: 'provider' });
            return { kind: 'captured', charged: captured.result.charged_micros };
          } catch (error) {
            if (codeOf(error) !== 'ledger_unavailable') throw error;
          }
        }
        throw new Error(`capture of ${holdId} never completed`);
      }),
    );
    const kinds = new Set(results.map((r) => r.kind));
    for (const kind of kinds) expect(['captured', 'released', 'insufficient_balance']).toContain(kind);
    expect(results.filter((r) => r.kind === 'captured').length).toBeGreaterThan(0);
    const charged = results.reduce((sum, r) => sum + r.charged, 0);
    const snapshot = await expectWalletInvariants(f.client, f.prefix, p.walletId);
    expect(snapshot.held_micros).toBe(0);
    expect(snapshot.balance_micros).toBe(start - charged);
    expect(snapshot.entries.filter((e) => e['type'] === 'usage').length).toBe(results.filter((r) => r.kind === 'captured' && r.charged > 0).length);
  }, 120_000);
});
