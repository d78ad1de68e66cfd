import { describe, expect, it } from 'vitest';
import { HAIKU, ledgerFixture } from './fixture';

describe('ledger smoke', () => {
  it('holds, captures and releases', async () => {
    const f = await ledgerFixture();
    const p = await f.payer({ balance_micros: 5_000_000 });
    const hold = await f.service.holds.hold({
      hold_id: 'hold_smoke_1',
      api_key_hash: p.apiKeyHash,
      app_user_id: p.appUserId,
      model: HAIKU,
      input_tokens_estimate: 1000,
      output_tokens_max: 1000,
    });
    expect(hold.replayed).toBe(false);
    const w1 = await f.service.wallets.get(p.walletId);
    expect(w1.held_micros).toBe(hold.result.amount_micros);
    const cap = await f.service.holds.capture('hold_smoke_1', { input_tokens: 900, output_tokens: 300, usage_source: 'provider' });
    const w2 = await f.service.wallets.get(p.walletId);
    expect(w2.held_micros).toBe(0);
    expect(w2.balance_micros).toBe(5_000_000 - cap.result.charged_micros);
    const again = await f.service.holds.capture('hold_smoke_1', { input_tokens: 900, output_tokens: 300, usage_source: 'provider' });
    expect(again.result).toEqual(cap.result);
    const entries = await f.service.wallets.entries(p.walletId, 10, null);
    expect(entries.data.map((e) => e.type)).toEqual(['usage', 'topup']);
  });
});
