import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AMOUNT_MICROS_MAX,
  MoneyError,
  addMicros,
  centsToMicros,
  divCeil,
  divFloor,
  formatEur,
  formatEurCents,
  parseEur,
  subMicros,
} from './money';

const RUNS = { numRuns: 5_000 };
const amount = fc.integer({ min: -AMOUNT_MICROS_MAX, max: AMOUNT_MICROS_MAX });

describe('parseEur / formatEur', () => {
  it('round-trips every amount in range', () => {
    fc.assert(fc.property(amount, (micros) => parseEur(formatEur(micros)) === micros), RUNS);
  });

  it('parses exact decimals', () => {
    expect(parseEur('5')).toBe(5_000_000);
    expect(parseEur('5.00')).toBe(5_000_000);
    expect(parseEur('0.000001')).toBe(1);
    expect(parseEur('-2.5')).toBe(-2_500_000);
    expect(formatEur(5_000_000)).toBe('5.00');
    expect(formatEur(1_234_500)).toBe('1.2345');
    expect(formatEur(1)).toBe('0.000001');
    expect(formatEur(-10_000)).toBe('-0.01');
  });

  it('refuses what it would have to round or guess', () => {
    for (const text of ['', ' 5', '5 ', '1.0000001', '1e3', '1,50', '.5', '5.', '+5', 'NaN', '0x10', '12345678901']) {
      expect(() => parseEur(text), text).toThrow(MoneyError);
    }
  });

  it('parses any string of up to 6 decimals to the value its digits say', () => {
    fc.assert(
      fc.property(fc.nat({ max: 999_999_999 }), fc.nat({ max: 999_999 }), (whole, fraction) => {
        const text = `${whole}.${String(fraction).padStart(6, '0')}`;
        return parseEur(text) === whole * 1_000_000 + fraction;
      }),
      RUNS,
    );
  });
});

describe('rounding', () => {
  const big = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n });
  const divisor = fc.bigInt({ min: 1n, max: 10n ** 15n });

  it('divCeil rounds toward +infinity, divFloor toward -infinity, by less than one divisor', () => {
    fc.assert(
      fc.property(big, divisor, (n, d) => {
        const ceil = divCeil(n, d);
        const floor = divFloor(n, d);
        return ceil * d >= n && (ceil - 1n) * d < n && floor * d <= n && (floor + 1n) * d > n && ceil - floor <= 1n;
      }),
      RUNS,
    );
  });

  it('refuses a zero or negative divisor', () => {
    expect(() => divCeil(1n, 0n)).toThrow(MoneyError);
    expect(() => divFloor(1n, -1n)).toThrow(MoneyError);
  });

  it('formats cents in the stated direction', () => {
    expect(formatEurCents(1_234_567, 'floor')).toBe('1.23');
    expect(formatEurCents(1_234_567, 'ceil')).toBe('1.24');
    expect(formatEurCents(1_230_000, 'ceil')).toBe('1.23');
    expect(formatEurCents(-1, 'floor')).toBe('-0.01');
    expect(formatEurCents(-1, 'ceil')).toBe('0.00');
    fc.assert(
      fc.property(amount, (micros) => {
        const down = parseEur(formatEurCents(micros, 'floor'));
        const up = parseEur(formatEurCents(micros, 'ceil'));
        return down <= micros && micros <= up && up - down <= 10_000 && down % 10_000 === 0;
      }),
      RUNS,
    );
  });
});

describe('overflow limits', () => {
  it('adds and subtracts exactly inside the range and throws outside it', () => {
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        const exact = BigInt(a) + BigInt(b);
        if (exact > BigInt(AMOUNT_MICROS_MAX) || exact < -BigInt(AMOUNT_MICROS_MAX)) {
          expect(() => addMicros(a, b)).toThrow(MoneyError);
        } else {
          expect(addMicros(a, b)).toBe(Number(exact));
          expect(subMicros(Number(exact), b)).toBe(a);
        }
      }),
      RUNS,
    );
  });

  it('refuses non-integers and unsafe numbers as amounts', () => {
    for (const bad of [0.5, Number.NaN, Number.POSITIVE_INFINITY, AMOUNT_MICROS_MAX + 1, 2 ** 53]) {
      expect(() => addMicros(bad)).toThrow(MoneyError);
    }
    expect(() => parseEur('1000000001')).toThrow(MoneyError);
    expect(() => centsToMicros(0.5)).toThrow(MoneyError);
    expect(centsToMicros(500)).toBe(5_000_000);
  });
});
