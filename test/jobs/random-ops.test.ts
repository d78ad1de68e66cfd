// After a few thousand random operations through the real ledger core (holds captured, released or
// abandoned, top-ups, adjustments, over several days), relayed through local SQS (with duplicate
// deliveries) into the rollups: every rollup equals the ledger's own sums exactly, and reconciliation
// finds no drift. The oracle below recomputes the sums from the entries independently of the jobs code.
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { FleeexError } from '../../shared/errors';
import { entryFromItem, ledgerEvent } from '../../ledger/src/core/entries';
import { scanAll } from './helpers';
import { HAIKU, NOVA, pipelineFixture } from './ledger-fixture';

const SEED = Number(process.env.FLEEEX_TEST_SEED ?? 20260310);
const WALLETS = 16;
const ROUNDS = 75;
const FAR_FUTURE = new Date('2100-01-01T00:00:00Z');

function mulberry32(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const TOLERATED = new Set(['insufficient_balance', 'app_cap_exceeded']);

type Sums = Record<string, number>;
const add = (map: Map<string, Sums>, key: string, delta: Sums) => {
  const into = map.get(key) ?? {};
  for (const [name, value] of Object.entries(delta)) into[name] = (into[name] ?? 0) + value;
  map.set(key, into);
};

describe('rollups after random ledger operations', () => {
  it(`equal the ledger sums exactly (seed ${SEED})`, async () => {
    const f = await pipelineFixture();
    const random = mulberry32(SEED);
    const apps = [await f.app('random-a'), await f.app('random-b')];
    // Each wallet draws from its own generator: the sequence does not depend on how steps interleave.
    const wallets: Array<{ walletId: string; appUserId: string; random: () => number; steps: number }> = [];
    for (let i = 0; i < WALLETS; i++) {
      const p = await f.payer(apps[0]!.appId, 1_000_000 + Math.floor(random() * 4_000_000));
      await f.grantTo(p.walletId, apps[1]!.appId);
      wallets.push({ ...p, random: mulberry32(SEED + i + 1), steps: 0 });
    }

    let ledgerCalls = 0;
    async function step(wallet: (typeof wallets)[number]) {
      const random = wallet.random;
      const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
      const id = `${wallet.walletId}_${wallet.steps++}`;
      const roll = random();
      try {
        if (roll < 0.75) {
          const app = pick(apps);
          const holdId = `hold_${id}`;
          const outputMax = 50 + Math.floor(random() * 2_000);
          const fate = random();
          ledgerCalls++;
          await f.ledger.holds.hold({
            hold_id: holdId,
            api_key_hash: app.apiKeyHash,
            app_user_id: wallet.appUserId,
            model: pick([HAIKU, NOVA]),
            input_tokens_estimate: Math.floor(random() * 3_000),
            output_tokens_max: outputMax,
          });
          if (fate < 0.75) {
            ledgerCalls++;
            await f.ledger.holds.capture(holdId, {
              input_tokens: Math.floor(random() * 4_000),
              // Sometimes more than held: the wallet pays what it can, the rest is written off.
              output_tokens: Math.floor(random() * outputMax * 1.3),
              usage_source: random() < 0.9 ? 'provider' : 'estimate',
            });
          } else if (fate < 0.95) {
            ledgerCalls++;
            await f.ledger.holds.release(holdId, { reason: pick(['upstream_error', 'client_cancelled', 'gateway_error'] as const) });
          } // else: the gateway died; reconciliation releases it once expired
        } else if (roll < 0.88) {
          ledgerCalls++;
          await f.ledger.wallets.credit(wallet.walletId, 100_000 + Math.floor(random() * 2_000_000), `credit-${id}`);
        } else {
          ledgerCalls++;
          const amount = Math.floor(random() * 400_000) - 300_000 || 1;
          await f.ledger.wallets.adjust(wallet.walletId, amount, 'random adjustment', `adjust-${id}`);
        }
      } catch (error) {
        if (!(error instanceof FleeexError && TOLERATED.has(error.code))) throw error;
      }
    }

    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(wallets.map(step));
      f.clock.advance(Math.floor(random() * 90 * 60 * 1000)); // ~2.8 days in all: several UTC days
      if (round % 30 === 29) await f.reconciler.run(); // expiry of abandoned holds along the way
    }
    expect(ledgerCalls).toBeGreaterThan(1_900);
    await f.reconciler.run();
    await f.flush();

    // Redeliver a random fifth of all events (a relay that crashed before deleting, SQS duplicates).
    const ledgerItems = await scanAll(f.dynamo, f.ledgerTableName);
    const entries = ledgerItems.filter((item) => String(item.sk).startsWith('ENTRY#')).map(entryFromItem);
    const again = entries.filter(() => random() < 0.2).map(ledgerEvent);
    for (let start = 0; start < again.length; start += 10) {
      await f.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: f.queues.queueUrl,
          Entries: again.slice(start, start + 10).map((event, index) => ({ Id: String(index), MessageBody: JSON.stringify(event) })),
        }),
      );
    }
    await f.flush();

    // The oracle: the same sums computed straight from the entries.
    const expected = new Map<string, Sums>();
    for (const entry of entries) {
      const day = entry.created_at.slice(0, 10);
      add(expected, `WALLET#${entry.wallet_id}|DAY#${day}`, { entries: 1, net_micros: entry.amount_micros });
      if (entry.type !== 'usage') continue;
      const usage = {
        calls: 1,
        input_tokens: entry.input_tokens ?? 0,
        output_tokens: entry.output_tokens ?? 0,
        charged_micros: -entry.amount_micros,
        provider_cost_micros: entry.provider_cost_micros ?? 0,
        margin_micros: entry.margin_micros ?? 0,
      };
      add(expected, `WALLET#${entry.wallet_id}|DAY#${day}`, usage);
      add(expected, `APP#${entry.app_id}|DAY#${day}`, usage);
      add(expected, `APP#${entry.app_id}|DAY#${day}#MODEL#${entry.model}`, usage);
      add(expected, `DAY#${day}|MODEL#${entry.model}`, usage);
    }
    const counterNames = ['entries', 'net_micros', 'calls', 'input_tokens', 'output_tokens', 'charged_micros', 'provider_cost_micros', 'margin_micros'];
    const actual = new Map<string, Sums>();
    for (const item of await scanAll(f.dynamo, f.rollupsTableName)) {
      if (!item.kind || item.pk === 'DRIFT') continue; // event markers, reconciliation state
      const sums: Sums = {};
      for (const name of counterNames) if (typeof item[name] === 'number') sums[name] = item[name] as number;
      actual.set(`${item.pk}|${item.sk}`, sums);
    }
    const usageEntries = entries.filter((entry) => entry.type === 'usage');
    expect(usageEntries.length).toBeGreaterThan(500);
    expect(new Set(entries.map((entry) => entry.created_at.slice(0, 10))).size).toBeGreaterThanOrEqual(3);
    expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...expected].sort()));

    // Reconciliation agrees, and every abandoned hold has been released.
    const run = await f.reconciler.run({ rollupsSettledBefore: FAR_FUTURE });
    expect(run.drifts).toEqual([]);
    expect(run.wallets_checked).toBe(WALLETS);
    for (const wallet of wallets) expect((await f.ledger.wallets.get(wallet.walletId)).held_micros).toBe(0);

    // The usage report reads the same totals.
    const days = [...new Set(entries.map((entry) => entry.created_at.slice(0, 10)))].sort();
    const report = await f.usage.adminUsage(null, { from: days[0]!, to: days.at(-1)!, group_by: 'model' });
    expect(report.totals.calls).toBe(usageEntries.length);
    expect(report.totals.cost_micros).toBe(usageEntries.reduce((sum, entry) => sum - entry.amount_micros, 0));
    expect(report.totals.cost_micros).toBe(report.totals.provider_cost_micros + report.totals.margin_micros - writtenOff(entries));
  }, 120_000);
});

function writtenOff(entries: ReturnType<typeof entryFromItem>[]): number {
  return entries.reduce((sum, entry) => sum + (entry.type === 'write_off' ? (entry.written_off_micros ?? 0) : 0), 0);
}
