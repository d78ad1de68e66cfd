import { describe, expect, it } from 'vitest';
import { fastRandomId } from './ids';

describe('fastRandomId', () => {
  it('has the shape of a hold id and does not repeat across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      const id = fastRandomId('hold');
      expect(id).toMatch(/^hold_[A-Za-z0-9_-]{22}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(1_000);
  });
});
