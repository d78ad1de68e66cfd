import { describe, expect, it } from 'vitest';
import { OUTBOX_SHARDS, entrySk, outboxShard, priceVersionSk } from './keys';

describe('store keys', () => {
  it('pads sequence numbers so sort keys order like the numbers', () => {
    expect(entrySk(7) < entrySk(10)).toBe(true);
    expect(entrySk(999_999) < entrySk(1_000_000)).toBe(true);
    expect(priceVersionSk(9) < priceVersionSk(10)).toBe(true);
  });

  it('spreads wallets over every outbox shard, stably', () => {
    const counts = new Array<number>(OUTBOX_SHARDS).fill(0);
    for (let i = 0; i < 1_600; i++) counts[outboxShard(`wal_${i}`)]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(50);
    expect(outboxShard('wal_abc')).toBe(outboxShard('wal_abc'));
  });
});
