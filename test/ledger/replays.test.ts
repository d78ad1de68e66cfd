// Every operation called twice, and concurrently with itself, has one effect; the same id with other
// parameters is a conflict. Also: expiry, caps, month rollover and write-offs.
import { beforeAll, describe, expect, it } from 'vitest';
import { FleeexError } from '../../shared/errors';
import { HOLD_TTL_MS } from '../../shared/limits';
import { HAIKU, type Payer, ledgerFixture } from './fixture';
import { expectWalletInvariants, scanAll } from './invariants';

type Fixture = Awaited<ReturnType<typeof ledgerFixture>>;
let f: Fixture;
let counter = 0;

beforeAll(async () => {
  f = await ledgerFixture();
});

function holdReq(p: Payer, overrides: Partial<{ output_tokens_max: number; input_tokens_estimate: number }> = {}) {
  counter++;
  return {
    hold_id: `hold_r_${counter}_${p.walletId.slice(4, 12)}`,
    api_key_hash: p.apiKeyHash,
    app_user_id: p.appUserId,
    model: HAIKU,
    input_tokens_estimate: 200,
    output_tokens_max: 300,
    ...overrides,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof FleeexError) return error.code;
    throw error;
  }
}

const USAGE = { input_tokens: 150, output_tokens: 100, usage_source: 'provider' as const };

describe('replays', () => {
  it('hold: twice and five times at once reserve once; other parameters conflict', async () => {
    const p = await f.payer({ balance_micros: 1_000_000 });
    const req = holdReq(p);
    const first = await f.service.holds.hold(req);
    const again = await f.service.holds.hold(req);
    expect(again).toEqual({ result: first.result, replayed: true });
    const req2 = holdReq(p);
    const burst = await Promise.all(Array.from({ length: 5 }, () => f.service.holds.hold(req2)));
    expect(burst.filter((r) => !r.replayed).length).toBe(1);
    for (const r of burst) expect(r.result).toEqual(burst[0]!.result);
    const state = await expectWalletInvariants(f.client, f.prefix, p.walletId);
    expect(state.held_micros).toBe(first.result.amount_micros * 2);
    expect(await codeOf(f.service.holds.hold({ ...req, output_tokens_max: 299 }))).toBe('idempotency_conflict');
  });

  it('capture: twice and five times at once post once; other usage conflicts', async () => {
    const p = await f.payer({ balance_micros: 1_000_000 });
    const req = holdReq(p);
    await f.service.holds.hold(req);
    const burst = await Promise.all(Array.from({ length: 5 }, () => f.service.holds.capture(req.hold_id, USAGE)));
    expect(burst.filter((r) => !r.replayed).length).toBe(1);
    for (const r of burst) expect(r.result).toEqual(burst[0]!.result);
    const again = await f.service.holds.capture(req.hold_id, USAGE);
    expect(again).toEqual({ result: burst[0]!.result, replayed: true });
    expect(await codeOf(f.service.holds.capture(req.hold_id, { ...USAGE, output_tokens: 101 }))).toBe('idempotency_conflict');
    expect(await codeOf(f.service.holds.release(req.hold_id, { reason: 'gateway_error' }))).toBe('hold_already_resolved');
    const state = await expectWalletInvariants(f.client, f.prefix, p.walletId);
    expect(state.entries.filter((e) => e['type'] === 'usage').length).toBe(1);
    expect(state.balance_micros).toBe(1_000_000 - burst[0]!.result.charged_micros);
  });

  it('release: twice and five times at once release once; a released hold cannot be captured', async () => {
    const p = await f.payer({ balance_micros: 1_000_000 });
    const req = holdReq(p);
    const hold = await f.service.holds.hold(req);
    const burst = await Promise.all(Array.from({ length: 5 }, () => f.service.holds.release(req.hold_id, { reason: 'client_cancelled' })));
    expect(burst.filter((r) => !r.replayed).length).toBe(1);
    expect(burst[0]!.result.released_micros).toBe(hold.result.amount_micros);
    expect((await f.service.holds.release(req.hold_id, { reason: 'expired' })).replayed).toBe(true);
    expect(await codeOf(f.service.holds.capture(req.hold_id, USAGE))).toBe('hold_already_resolved');
    expect(await codeOf(f.service.holds.capture('hold_does_not_exist', USAGE))).toBe('hold_not_found');
    const state = await expectWalletInvariants(f.client, f.prefix, p.walletId);
    expect(state).toMatchObject({ balance_micros: 1_000_000, held_micros: 0 });
  });

  it('credit, adjust and debitUpTo: twice and five times at once post once; other parameters conflict', async () => {
    const p = await f.payer();
    const credits = await Promise.all(Array.from({ length: 5 }, () => f.service.wallets.credit(p.walletId, 700_000, `stripe:evt_${p.walletId}`)));
    expect(credits.filter((r) => !r.replayed).length).toBe(1);
    expect((await f.service.wallets.credit(p.walletId, 700_000, `stripe:evt_${p.walletId}`)).replayed).toBe(true);
    expect(await codeOf(f.service.wallets.credit(p.walletId, 700_001, `stripe:evt_${p.walletId}`))).toBe('idempotency_conflict');

    const adjusts = await Promise.all(Array.from({ length: 5 }, () => f.service.wallets.adjust(p.walletId, -200_000, 'correction', `adj-${p.walletId}`)));
    expect(adjusts.filter((r) => !r.replayed).length).toBe(1);
    expect(await codeOf(f.service.wallets.adjust(p.walletId, -900_000, 'too much', `adj2-${p.walletId}`))).toBe('insufficient_balance');

    const refunds = await Promise.all(Array.from({ length: 5 }, () => f.service.wallets.debitUpTo(p.walletId, 800_000, `refund-${p.walletId}`)));
    expect(refunds.filter((r) => !r.replayed).length).toBe(1);
    expect(refunds[0]!.result).toMatchObject({ debited_micros: 500_000, shortfall_micros: 300_000 });
    // The first answer stands even though the wallet is now empty.
    expect(await f.service.wallets.adjust(p.walletId, -200_000, 'correction', `adj-${p.walletId}`)).toMatchObject({ replayed: true });
    const state = await expectWalletInvariants(f.client, f.prefix, p.walletId);
    expect(state.balance_micros).toBe(0);
    // The shortfall is in the ledger: a write-off entry (amount 0) posted with the refund, once.
    expect(state.entries.map((e) => [e['type'], e['amount_micros'], e['written_off_micros'] ?? null])).toEqual([
      ['topup', 700_000, null],
      ['adjustment', -200_000, null],
      ['refund', -500_000, null],
      ['write_off', 0, 300_000],
    ]);
    expect(state.entries[3]!['idempotency_key']).toBe(`refund-${p.walletId}`);
    expect(refunds[0]!.result.write_off_entry).toMatchObject({ type: 'write_off', amount_micros: 0, written_off_micros: 300_000 });
    const outbox = (await scanAll(f.client, f.prefix)).filter((i) => String(i['pk']).startsWith('OUTBOX#') && i['wallet_id'] === p.walletId);
    const events = outbox.map((i) => JSON.parse(String(i['event'])) as { type: string; written_off_micros: number | null });
    expect(events.filter((e) => e.type === 'write_off')).toMatchObject([{ written_off_micros: 300_000 }]);

    // Nothing available at all: no refund entry, the whole amount is written off.
    const empty = await f.service.wallets.debitUpTo(p.walletId, 50_000, `refund2-${p.walletId}`);
    expect(empty.result).toMatchObject({ entry: null, debited_micros: 0, shortfall_micros: 50_000, write_off_entry: { written_off_micros: 50_000 } });
    expect((await expectWalletInvariants(f.client, f.prefix, p.walletId)).entries).toHaveLength(5);
  });
});

describe('holds: limits, expiry, caps', () => {
  it('clamps output tokens to what the wallet affords, refuses below the minimum', async () => {
    const p = await f.payer({ balance_micros: 3_000 });
    const hold = await f.service.holds.hold(holdReq(p, { output_tokens_max: 10_000 }));
    expect(hold.result.output_tokens_max).toBeLessThan(10_000);
    expect(hold.result.output_tokens_max).toBeGreaterThanOrEqual(16);
    expect(hold.result.amount_micros).toBeLessThanOrEqual(3_000);
    expect(await codeOf(f.service.holds.hold(holdReq(p, { output_tokens_max: 10_000 })))).toBe('insufficient_balance');
    await expectWalletInvariants(f.client, f.prefix, p.walletId);
  });

  it('an expired hold can only be released', async () => {
    const p = await f.payer({ balance_micros: 1_000_000 });
    const req = holdReq(p);
    await f.service.holds.hold(req);
    f.clock.advance(HOLD_TTL_MS);
    try {
      const expired = await f.service.holds.expiredPending(f.clock.now(), 100);
      expect(expired.map((h) => h.hold_id)).toContain(req.hold_id);
      expect(await codeOf(f.service.holds.capture(req.hold_id, USAGE))).toBe('hold_expired');
      await f.service.holds.release(req.hold_id, { reason: 'expired' });
      expect((await f.service.holds.expiredPending(f.clock.now(), 100)).map((h) => h.hold_id)).not.toContain(req.hold_id);
    } finally {
      f.clock.advance(-HOLD_TTL_MS);
    }
    await expectWalletInvariants(f.client, f.prefix, p.walletId);
  });

  it('a live hold is never released as expired: the claim is checked, and its capture still works', async () => {
    const p = await f.payer({ balance_micros: 1_000_000 });
    const req = holdReq(p);
    await f.service.holds.hold(req);
    f.clock.advance(HOLD_TTL_MS - 1);
    try {
      expect(await codeOf(f.service.holds.release(req.hold_id, { reason: 'expired' }))).toBe('invalid_request');
      expect((await f.service.holds.capture(req.hold_id, USAGE)).replayed).toBe(false);
    } finally {
      f.clock.advance(-(HOLD_TTL_MS - 1));
    }
    await expectWalletInvariants(f.client, f.prefix, p.walletId);
  });

  it('a capture above the hold takes what is available and writes off the rest: never negative', async () => {
    const p = await f.payer({ balance_micros: 50_000 });
    const req = holdReq(p);
    const hold = await f.service.holds.hold(req);
    const captured = await f.service.holds.capture(req.hold_id, { input_tokens: 100_000, output_tokens: 50_000, usage_source: 'provider' });
    expect(captured.result.charged_micros).toBe(50_000);
    expect(captured.result.written_off_micros).toBe(captured.result.cost_micros - 50_000);
    expect(captured.result.released_micros).toBe(0);
    expect(captured.result.balance_after_micros).toBe(0);
    expect(hold.result.amount_micros).toBeLessThan(50_000);
    const state = await expectWalletInvariants(f.client, f.prefix, p.walletId);
    expect(state.entries.map((e) => [e['type'], e['amount_micros']])).toEqual([
      ['topup', 50_000],
      ['usage', -50_000],
      ['write_off', 0],
    ]);
  });

  it('a monthly cap clamps, then refuses with app_cap_exceeded, and resets next month', async () => {
    const p = await f.payer({ balance_micros: 10_000_000, monthly_cap_micros: 5_000 });
    const first = await f.service.holds.hold(holdReq(p, { output_tokens_max: 5_000 }));
    expect(first.result.amount_micros).toBeLessThanOrEqual(5_000);
    expect(first.result.output_tokens_max).toBeLessThan(5_000);
    expect(await codeOf(f.service.holds.hold(holdReq(p, { output_tokens_max: 5_000 })))).toBe('app_cap_exceeded');
    await f.service.holds.capture(first.result.hold_id, USAGE);
    const grant = await f.service.grants.get(p.walletId, p.appId);
    expect(grant?.cap_spent_micros).toBeGreaterThan(0);
    f.clock.set(new Date('2026-04-01T00:00:01.000Z'));
    try {
      const next = await f.service.holds.hold(holdReq(p, { output_tokens_max: 100 }));
      expect(next.result.output_tokens_max).toBe(100);
      const rolled = await f.service.grants.get(p.walletId, p.appId);
      expect(rolled).toMatchObject({ cap_period: '2026-04', cap_held_micros: next.result.amount_micros });
      expect(rolled?.cap_spent_micros).toBe(0);
    } finally {
      f.clock.set(new Date('2026-03-10T12:00:00.000Z'));
    }
    await expectWalletInvariants(f.client, f.prefix, p.walletId);
  });

  it('a revoked grant or key refuses new holds; pending holds still capture', async () => {
    const p = await f.payer({ balance_micros: 1_000_000 });
    const req = holdReq(p);
    await f.service.holds.hold(req);
    await f.service.grants.revoke(p.walletId, p.appId);
    expect(await codeOf(f.service.holds.hold(holdReq(p)))).toBe('wallet_not_authorized');
    expect(await codeOf(f.service.holds.capture(req.hold_id, USAGE))).toBe('ok');
    await f.service.grants.grant({ wallet_id: p.walletId, app_id: p.appId, app_user_id: p.appUserId });
    expect(await codeOf(f.service.holds.hold(holdReq(p)))).toBe('ok');
    const keys = await f.service.apps.createKey(p.appId);
    expect(keys.api_key).toMatch(/^fx_sk_/);
    await expectWalletInvariants(f.client, f.prefix, p.walletId);
  });
});
