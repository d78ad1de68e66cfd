import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedModelPrices, seedPriceVersion, usdToEurMicros } from './price-seed';
import {
  type ModelPrice,
  OUTPUT_TOKENS_MIN_AFFORDABLE,
  PriceVersionInputSchema,
  type PriceVersion,
  affordableOutputTokens,
  boundedInputTokens,
  holdAmountMicros,
  priceUsage,
  priceVersionInEffect,
} from './pricing';

const RUNS = { numRuns: 2_000 };
const rate = fc.integer({ min: 0, max: 100_000_000 });
const modelPrice: fc.Arbitrary<ModelPrice> = fc.record({
  model: fc.constant('m'),
  display_name: fc.constant('M'),
  input_micros_per_mtok: rate,
  output_micros_per_mtok: rate,
  cache_read_micros_per_mtok: rate,
  cache_write_micros_per_mtok: rate,
  margin_bps: fc.integer({ min: 0, max: 20_000 }),
  context_window_tokens: fc.constant(200_000),
  output_tokens_max: fc.constant(8_192),
});
const tokens = fc.integer({ min: 0, max: 2_000_000 });

/** Exact cost as a fraction, for checking rounding: numerator / (1e6 * 1e4). */
function exactCostTimesDenominator(p: ModelPrice, input: number, output: number): bigint {
  const raw = BigInt(input) * BigInt(p.input_micros_per_mtok) + BigInt(output) * BigInt(p.output_micros_per_mtok);
  return raw * BigInt(10_000 + p.margin_bps);
}

describe('priceUsage', () => {
  it('rounds up once: at most one micro above the exact price, never below', () => {
    fc.assert(
      fc.property(modelPrice, tokens, tokens, (p, input, output) => {
        const { cost_micros, provider_cost_micros, margin_micros } = priceUsage(p, { input_tokens: input, output_tokens: output });
        const exact = exactCostTimesDenominator(p, input, output);
        const denominator = 10n ** 10n;
        return (
          BigInt(cost_micros) * denominator >= exact &&
          BigInt(cost_micros - 1) * denominator < exact &&
          margin_micros >= 0 &&
          cost_micros === provider_cost_micros + margin_micros
        );
      }),
      RUNS,
    );
  });

  it('prices a known call', () => {
    const haiku = seedModelPrices().find((m) => m.model === 'anthropic.claude-3-5-haiku-20241022-v1:0')!;
    // 0.80 USD/Mtok in = 736,000 micro-EUR/Mtok; 4.00 USD/Mtok out = 3,680,000; 10% margin.
    expect(haiku.input_micros_per_mtok).toBe(736_000);
    expect(haiku.output_micros_per_mtok).toBe(3_680_000);
    // 1,000 in + 500 out: 736 + 1,840 = 2,576 micros provider cost; +10% = 2,833.6 -> 2,834.
    expect(priceUsage(haiku, { input_tokens: 1_000, output_tokens: 500 })).toEqual({
      cost_micros: 2_834,
      provider_cost_micros: 2_576,
      margin_micros: 258,
    });
  });

  it('refuses negative or fractional token counts', () => {
    const p = seedModelPrices()[0]!;
    expect(() => priceUsage(p, { input_tokens: -1, output_tokens: 0 })).toThrow(RangeError);
    expect(() => priceUsage(p, { input_tokens: 1.5, output_tokens: 0 })).toThrow(RangeError);
  });
});

describe('holds', () => {
  it('a hold always covers the priced cost of any usage within its bounds', () => {
    fc.assert(
      fc.property(modelPrice, tokens, fc.integer({ min: 1, max: 200_000 }), (p, estimate, outputMax) => {
        const hold = holdAmountMicros(p, estimate, outputMax);
        const worst = priceUsage(p, { input_tokens: boundedInputTokens(estimate), output_tokens: outputMax });
        return hold >= worst.cost_micros;
      }),
      RUNS,
    );
  });

  it('affordableOutputTokens is the exact largest count that fits', () => {
    fc.assert(
      fc.property(
        modelPrice,
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 50_000_000 }),
        (p, estimate, requested, available) => {
          const fits = affordableOutputTokens(p, estimate, requested, available);
          expect(fits).toBeGreaterThanOrEqual(0);
          expect(fits).toBeLessThanOrEqual(requested);
          if (fits > 0) expect(holdAmountMicros(p, estimate, fits)).toBeLessThanOrEqual(available);
          if (fits < requested && available > 0) {
            expect(holdAmountMicros(p, estimate, fits + 1)).toBeGreaterThan(available);
          }
        },
      ),
      RUNS,
    );
  });

  it('pads the estimate by 25% plus 64 tokens, rounding up', () => {
    expect(boundedInputTokens(0)).toBe(64);
    expect(boundedInputTokens(1)).toBe(66);
    expect(boundedInputTokens(1_000)).toBe(1_314);
    expect(OUTPUT_TOKENS_MIN_AFFORDABLE).toBeGreaterThan(0);
  });
});

describe('price versions', () => {
  const version = (n: number, from: string): PriceVersion => ({
    ...seedPriceVersion(),
    version: n,
    effective_from: from,
    created_at: from,
  });

  it('picks the newest version already in effect', () => {
    const versions = [version(1, '2026-01-01T00:00:00Z'), version(3, '2027-01-01T00:00:00Z'), version(2, '2026-06-01T00:00:00Z')];
    expect(priceVersionInEffect(versions, new Date('2026-03-01T00:00:00Z'))?.version).toBe(1);
    expect(priceVersionInEffect(versions, new Date('2026-12-04T00:00:00Z'))?.version).toBe(2);
    expect(priceVersionInEffect(versions, new Date('2027-01-01T00:00:00Z'))?.version).toBe(3);
    expect(priceVersionInEffect(versions, new Date('2025-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('the seed is a valid version and converts USD exactly, rounding up', () => {
    expect(PriceVersionInputSchema.safeParse(seedPriceVersion()).success).toBe(true);
    expect(usdToEurMicros(35_000)).toBe(32_200);
    expect(usdToEurMicros(1)).toBe(1); // 0.92 rounds up to 1
    expect(PriceVersionInputSchema.safeParse({ ...seedPriceVersion(), models: [seedModelPrices()[0], seedModelPrices()[0]] }).success).toBe(false);
  });
});
