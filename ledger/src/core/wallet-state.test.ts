import { describe, expect, it } from 'vitest';
import { walletMoveOp, walletStateFromItem } from './wallet-state';

describe('wallet moves', () => {
  it('refuses a move that breaks available = balance - held', () => {
    expect(() => walletMoveOp('w', { balance_delta_micros: -5, held_delta_micros: 0, available_delta_micros: -4 })).toThrow();
  });

  it('conditions on the entry sequence and on available when debiting', () => {
    const op = walletMoveOp('w', {
      balance_delta_micros: -5,
      held_delta_micros: -10,
      available_delta_micros: 5,
      seq: { expected: 3, next: 4 },
      available_at_least_micros: 2,
    });
    expect(op.kind).toBe('update');
    expect(op.condition).toBe('attribute_exists(pk) AND entry_seq = :seq AND available_micros >= :available_min');
    expect(op.values).toMatchObject({ ':seq': 3, ':seq_next': 4, ':available_min': 2, ':db': -5, ':dh': -10, ':da': 5 });
  });

  it('refuses to read a wallet whose stored fields disagree', () => {
    const item = { wallet_id: 'w', entry_seq: 1, balance_micros: 10, held_micros: 4, available_micros: 6 };
    expect(walletStateFromItem(item)).toEqual({ seq: 1, balance_micros: 10, held_micros: 4, available_micros: 6 });
    expect(() => walletStateFromItem({ ...item, available_micros: 7 })).toThrow();
    expect(() => walletStateFromItem({ ...item, held_micros: -1, available_micros: 11 })).toThrow();
  });
});
