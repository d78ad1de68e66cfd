// Model-based test: random sequences of hold / capture / release / credit / adjust / debitUpTo and
// clock moves, run against DynamoDB Local and against a plain in-memory model of the rules. After
// every step the stored wallet equals the model and balance == sum(entries) with a gap-free sequence.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { FleeexError } from '../../shared/errors';
import { HOLD_TTL_MS } from '../../shared/limits';
import { seedModelPrices } from '../../shared/price-seed';
import { OUTPUT_TOKENS_MIN_AFFORDABLE, affordableOutputTokens, holdAmountMicros, priceUsage } from '../../shared/pricing';
import type { LedgerService } from '../../ledger/src/core/service';
import { walletKey } from '../../ledger/src/store/keys';
import type { LedgerTable } from '../../ledger/src/store/port';
import { HAIKU, START, type TestClock, ledgerFixture } from './fixture';

const PRICE = seedModelPrices().find((m) => m.model === HAIKU)!;

interface ModelHold {
  id: string;
  amount: number;
  status: 'pending' | 'captured' | 'released';
  expiresAtMs: number;
  usage?: string;
  result?: unknown;
}

interface Model {
  nowMs: number;
  balance: number;
  held: number;
  entries: number;
  holds: ModelHold[];
  idempotency: Map<string, string>;
  nextHold: number;
}

interface Real {
  ledger: LedgerService;
  table: LedgerTable;
  clock: TestClock;
  walletId: string;
  apiKeyHash: string;
  appUserId: string;
}

type Outcome = { ok: true; value: unknown } | { ok: false; code: string };

async function outcome(call: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    if (error instanceof FleeexError) return { ok: false, code: error.code };
    throw error;
  }
}

async function expectMatches(model: Model, real: Real): Promise<void> {
  const items = await real.table.query({ pk: walletKey(real.walletId).pk, limit: 10_000 });
  const wallet = items.find((i) => i['sk'] === 'WALLET')!;
  const entries = items.filter((i) => String(i['sk']).startsWith('ENTRY#')).sort((a, b) => Number(a['seq']) - Number(b['seq']));
  expect(wallet['balance_micros']).toBe(model.balance);
  expect(wallet['held_micros']).toBe(model.held);
  expect(wallet['available_micros']).toBe(model.balance - model.held);
  expect(entries.length).toBe(model.entries);
  expect(wallet['entry_seq']).toBe(model.entries);
  let running = 0;
  entries.forEach((entry, i) => {
    expect(entry['seq']).toBe(i + 1);
    running += Number(entry['amount_micros']);
    expect(entry['balance_after_micros']).toBe(running);
  });
  expect(running).toBe(model.balance);
}

const available = (m: Model) => m.balance - m.held;

class HoldCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly inputTokens: number,
    readonly outputTokens: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const id = `hold_m_${r.walletId.slice(4, 12)}_${m.nextHold++}`;
    const got = await outcome(
      r.ledger.holds.hold({ hold_id: id, api_key_hash: r.apiKeyHash, app_user_id: r.appUserId, model: HAIKU, input_tokens_estimate: this.inputTokens, output_tokens_max: this.outputTokens }),
    );
    const requested = Math.min(this.outputTokens, PRICE.output_tokens_max);
    let tokens = requested;
    if (holdAmountMicros(PRICE, this.inputTokens, tokens) > available(m)) {
      tokens = affordableOutputTokens(PRICE, this.inputTokens, requested, available(m));
    }
    if (tokens === 0 || tokens < Math.min(requested, OUTPUT_TOKENS_MIN_AFFORDABLE)) {
      expect(got).toEqual({ ok: false, code: 'insufficient_balance' });
    } else {
      const amount = holdAmountMicros(PRICE, this.inputTokens, tokens);
      expect(got).toMatchObject({ ok: true, value: { result: { amount_micros: amount, output_tokens_max: tokens } } });
      m.held += amount;
      m.holds.push({ id, amount, status: 'pending', expiresAtMs: m.nowMs + HOLD_TTL_MS });
    }
    await expectMatches(m, r);
  }
  toString = () => `hold(${this.inputTokens}, ${this.outputTokens})`;
}

class CaptureCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly inputTokens: number,
    readonly outputTokens: number,
  ) {}
  check = (m: Readonly<Model>) => m.holds.length > 0;
  async run(m: Model, r: Real) {
    const hold = m.holds[this.pick % m.holds.length]!;
    const usage = { input_tokens: this.inputTokens, output_tokens: this.outputTokens, usage_source: 'provider' as const };
    const got = await outcome(r.ledger.holds.capture(hold.id, usage));
    const usageKey = JSON.stringify(usage);
    if (hold.status === 'captured') {
      expect(got).toEqual(hold.usage === usageKey ? { ok: true, value: { result: hold.result, replayed: true } } : { ok: false, code: 'idempotency_conflict' });
    } else if (hold.status === 'released') {
      expect(got).toEqual({ ok: false, code: 'hold_already_resolved' });
    } else if (m.nowMs >= hold.expiresAtMs) {
      expect(got).toEqual({ ok: false, code: 'hold_expired' });
    } else {
      const cost = priceUsage(PRICE, usage).cost_micros;
      const charged = Math.min(cost, hold.amount + available(m));
      expect(got).toMatchObject({ ok: true, value: { replayed: false, result: { cost_micros: cost, charged_micros: charged, written_off_micros: cost - charged } } });
      m.balance -= charged;
      m.held -= hold.amount;
      m.entries += (cost > 0 ? 1 : 0) + (cost > charged ? 1 : 0);
      hold.status = 'captured';
      hold.usage = usageKey;
      hold.result = (got as { value: { result: unknown } }).value.result;
    }
    await expectMatches(m, r);
  }
  toString = () => `capture(#${this.pick}, ${this.inputTokens}, ${this.outputTokens})`;
}

class ReleaseCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.holds.length > 0;
  async run(m: Model, r: Real) {
    const hold = m.holds[this.pick % m.holds.length]!;
    const got = await outcome(r.ledger.holds.release(hold.id, { reason: 'client_cancelled' }));
    if (hold.status === 'captured') {
      expect(got).toEqual({ ok: false, code: 'hold_already_resolved' });
    } else {
      expect(got).toMatchObject({ ok: true, value: { replayed: hold.status === 'released', result: { released_micros: hold.amount } } });
      if (hold.status === 'pending') m.held -= hold.amount;
      hold.status = 'released';
    }
    await expectMatches(m, r);
  }
  toString = () => `release(#${this.pick})`;
}

type PostingKind = 'credit' | 'adjust' | 'debit';

class PostingCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly kind: PostingKind,
    readonly amount: number,
    readonly keyIndex: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const key = `${r.walletId}-k${this.keyIndex}`;
    const fingerprint = `${this.kind}:${this.amount}`;
    const call =
      this.kind === 'credit'
        ? r.ledger.wallets.credit(r.walletId, this.amount, key)
        : this.kind === 'adjust'
          ? r.ledger.wallets.adjust(r.walletId, this.amount, 'model test', key)
          : r.ledger.wallets.debitUpTo(r.walletId, this.amount, key);
    const got = await outcome(call);
    const seen = m.idempotency.get(key);
    if (seen !== undefined) {
      expect(got).toMatchObject(seen === fingerprint ? { ok: true, value: { replayed: true } } : { ok: false, code: 'idempotency_conflict' });
    } else if (this.kind === 'adjust' && this.amount < 0 && available(m) < -this.amount) {
      expect(got).toEqual({ ok: false, code: 'insufficient_balance' });
    } else {
      expect(got).toMatchObject({ ok: true, value: { replayed: false } });
      m.idempotency.set(key, fingerprint);
      const delta = this.kind === 'debit' ? -Math.min(this.amount, available(m)) : this.amount;
      m.balance += delta;
      if (delta !== 0) m.entries += 1;
      if (this.kind === 'debit' && -delta < this.amount) m.entries += 1; // the shortfall's write-off
    }
    await expectMatches(m, r);
  }
  toString = () => `${this.kind}(${this.amount}, k${this.keyIndex})`;
}

class TimeCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly minutes: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    m.nowMs += this.minutes * 60_000;
    r.clock.advance(this.minutes * 60_000);
  }
  toString = () => `wait(${this.minutes} min)`;
}

const tokens = fc.integer({ min: 0, max: 3_000 });
/** Real usage often exceeds the estimate the hold was sized by: exercise the write-off path. */
const usedTokens = fc.integer({ min: 0, max: 20_000 });
const commands = [
  fc.tuple(tokens, fc.integer({ min: 1, max: 3_000 })).map(([i, o]) => new HoldCommand(i, o)),
  fc.tuple(fc.nat(), usedTokens, usedTokens).map(([p, i, o]) => new CaptureCommand(p, i, o)),
  fc.nat().map((p) => new ReleaseCommand(p)),
  fc.tuple(fc.integer({ min: 1, max: 60_000 }), fc.nat({ max: 3 })).map(([a, k]) => new PostingCommand('credit', a, k)),
  fc.tuple(fc.integer({ min: -60_000, max: 60_000 }).filter((a) => a !== 0), fc.nat({ max: 3 })).map(([a, k]) => new PostingCommand('adjust', a, k)),
  fc.tuple(fc.integer({ min: 1, max: 60_000 }), fc.nat({ max: 3 })).map(([a, k]) => new PostingCommand('debit', a, k)),
  fc.integer({ min: 1, max: 12 }).map((minutes) => new TimeCommand(minutes)),
];

let f: Awaited<ReturnType<typeof ledgerFixture>>;
let app: { appId: string; apiKeyHash: string };

beforeAll(async () => {
  f = await ledgerFixture();
  const first = await f.payer();
  app = { appId: first.appId, apiKeyHash: first.apiKeyHash };
});

describe('ledger vs model', () => {
  it('agrees with the in-memory model after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 12 }), async (cmds) => {
        f.clock.set(START);
        const p = await f.payer({ appId: app.appId });
        const setup = () => ({
          model: { nowMs: START.getTime(), balance: 0, held: 0, entries: 0, holds: [], idempotency: new Map(), nextHold: 0 } satisfies Model,
          real: { ledger: f.service, table: f.table, clock: f.clock, walletId: p.walletId, apiKeyHash: app.apiKeyHash, appUserId: p.appUserId } satisfies Real,
        });
        await fc.asyncModelRun(setup, cmds);
      }),
      { numRuns: 30 },
    );
  }, 180_000);
});
