// Crash windows: every operation is interrupted at every call it makes to the table, before the call
// and after it (the work done, the answer lost). The state left behind must satisfy the invariants,
// and a retry with the same id must complete with exactly one effect.
import { describe, expect, it } from 'vitest';
import type { LedgerService } from '../../ledger/src/core/service';
import { HAIKU, type Payer, ledgerFixture } from './fixture';
import { FaultyTable, InjectedFault } from './faulty-table';
import { expectWalletInvariants } from './invariants';

interface Scenario {
  name: string;
  setup(ledger: LedgerService, payer: Payer): Promise<void>;
  run(ledger: LedgerService, payer: Payer): Promise<unknown>;
}

const holdRequest = (p: Payer) => ({
  hold_id: `hold_${p.walletId.slice(4)}`,
  api_key_hash: p.apiKeyHash,
  app_user_id: p.appUserId,
  model: HAIKU,
  input_tokens_estimate: 200,
  output_tokens_max: 300,
});

const scenarios: Scenario[] = [
  { name: 'hold', setup: async () => {}, run: (l, p) => l.holds.hold(holdRequest(p)) },
  {
    name: 'capture',
    setup: async (l, p) => void (await l.holds.hold(holdRequest(p))),
    run: (l, p) => l.holds.capture(holdRequest(p).hold_id, { input_tokens: 150, output_tokens: 100, usage_source: 'provider' }),
  },
  {
    name: 'capture above the hold (write-off)',
    setup: async (l, p) => {
      await l.holds.hold(holdRequest(p));
      await l.wallets.debitUpTo(p.walletId, 10_000_000, `drain-${p.walletId}`);
    },
    run: (l, p) => l.holds.capture(holdRequest(p).hold_id, { input_tokens: 50_000, output_tokens: 20_000, usage_source: 'provider' }),
  },
  {
    name: 'release',
    setup: async (l, p) => void (await l.holds.hold(holdRequest(p))),
    run: (l, p) => l.holds.release(holdRequest(p).hold_id, { reason: 'upstream_error' }),
  },
  { name: 'credit', setup: async () => {}, run: (l, p) => l.wallets.credit(p.walletId, 1_234_567, `topup-${p.walletId}`) },
  { name: 'adjust (debit)', setup: async () => {}, run: (l, p) => l.wallets.adjust(p.walletId, -400_000, 'goodwill reversal', `adj-${p.walletId}`) },
  { name: 'debitUpTo (refund)', setup: async () => {}, run: (l, p) => l.wallets.debitUpTo(p.walletId, 9_000_000, `refund-${p.walletId}`) },
];

const BALANCE = 2_000_000;

describe('crash windows', () => {
  for (const scenario of scenarios) {
    it(`${scenario.name}: a failure at any step leaves a valid state and a retry completes once`, async () => {
      let faulty!: FaultyTable;
      const f = await ledgerFixture({
        wrap: (table) => {
          faulty = new FaultyTable(table);
          return faulty;
        },
      });
      // The clean run tells what one effect looks like and how many table calls the operation makes.
      const clean = await f.payer({ balance_micros: BALANCE });
      await scenario.setup(f.service, clean);
      faulty.arm(Number.MAX_SAFE_INTEGER, 'before');
      const expected = await scenario.run(f.service, clean);
      const steps = faulty.calls;
      const expectedState = await expectWalletInvariants(f.client, f.prefix, clean.walletId);
      expect(steps).toBeGreaterThan(0);

      for (let step = 0; step < steps; step++) {
        for (const moment of ['before', 'after'] as const) {
          const p = await f.payer({ balance_micros: BALANCE, appId: clean.appId });
          p.apiKeyHash = clean.apiKeyHash;
          await scenario.setup(f.service, p);
          faulty.arm(step, moment);
          const first = await scenario.run(f.service, p).then(
            () => 'completed',
            (error: unknown) => {
              if (!(error instanceof InjectedFault)) throw error;
              return 'crashed';
            },
          );
          faulty.disarm();
          await expectWalletInvariants(f.client, f.prefix, p.walletId);
          const retried = await scenario.run(f.service, p);
          const state = await expectWalletInvariants(f.client, f.prefix, p.walletId);
          const where = `${moment} step ${step} (${first})`;
          expect(state.balance_micros, where).toBe(expectedState.balance_micros);
          expect(state.held_micros, where).toBe(expectedState.held_micros);
          expect(state.entries.map((e) => [e['type'], e['amount_micros']]), where).toEqual(
            expectedState.entries.map((e) => [e['type'], e['amount_micros']]),
          );
          expect(shape(retried), where).toEqual(shape(expected));
        }
      }
    }, 120_000);
  }
});

/** The result without the ids and times that differ between wallets. */
function shape(result: unknown): unknown {
  return JSON.parse(JSON.stringify(result), (key, value) =>
    ['replayed', 'hold_id', 'wallet_id', 'entry_id', 'idempotency_key', 'created_at', 'expires_at'].includes(key) ? '*' : value,
  );
}
