// The first price table: Bedrock on-demand list prices (USD per million tokens, see README "Prices"),
// converted to EUR at a stated rate and rounded up to a whole micro-EUR per million tokens.
// Operators publish later versions through `POST /admin/prices`; versions are never edited.
import { divCeil, toMicros } from './money';
import type { ModelPrice, PriceVersionInput } from './pricing';

/** EUR per USD used for the seed, in parts per million (0.92 EUR = 1 USD). */
export const SEED_EUR_PER_USD_PPM = 920_000;
export const SEED_MARGIN_BPS = 1_000;
export const SEED_EFFECTIVE_FROM = '2026-01-01T00:00:00.000Z';

/** Micro-USD per million tokens -> micro-EUR per million tokens, rounded up. */
export function usdToEurMicros(microUsd: number): number {
  return toMicros(divCeil(BigInt(microUsd) * BigInt(SEED_EUR_PER_USD_PPM), 1_000_000n), 'converted price');
}

interface ListPrice {
  model: string;
  display_name: string;
  /** micro-USD per million tokens */
  input: number;
  output: number;
  cache_write: number;
  cache_read: number;
  context_window_tokens: number;
  output_tokens_max: number;
}

const LIST_PRICES_USD: readonly ListPrice[] = [
  { model: 'anthropic.claude-3-5-haiku-20241022-v1:0', display_name: 'Claude 3.5 Haiku', input: 800_000, output: 4_000_000, cache_write: 1_000_000, cache_read: 80_000, context_window_tokens: 200_000, output_tokens_max: 8_192 },
  { model: 'anthropic.claude-haiku-4-5-20251001-v1:0', display_name: 'Claude Haiku 4.5', input: 1_000_000, output: 5_000_000, cache_write: 1_250_000, cache_read: 100_000, context_window_tokens: 200_000, output_tokens_max: 64_000 },
  { model: 'anthropic.claude-sonnet-4-20250514-v1:0', display_name: 'Claude Sonnet 4', input: 3_000_000, output: 15_000_000, cache_write: 3_750_000, cache_read: 300_000, context_window_tokens: 200_000, output_tokens_max: 64_000 },
  { model: 'amazon.nova-micro-v1:0', display_name: 'Amazon Nova Micro', input: 35_000, output: 140_000, cache_write: 0, cache_read: 0, context_window_tokens: 128_000, output_tokens_max: 10_000 },
  { model: 'amazon.nova-lite-v1:0', display_name: 'Amazon Nova Lite', input: 60_000, output: 240_000, cache_write: 0, cache_read: 0, context_window_tokens: 300_000, output_tokens_max: 10_000 },
  { model: 'amazon.nova-pro-v1:0', display_name: 'Amazon Nova Pro', input: 800_000, output: 3_200_000, cache_write: 0, cache_read: 0, context_window_tokens: 300_000, output_tokens_max: 10_000 },
  { model: 'meta.llama3-3-70b-instruct-v1:0', display_name: 'Llama 3.3 70B Instruct', input: 720_000, output: 720_000, cache_write: 0, cache_read: 0, context_window_tokens: 128_000, output_tokens_max: 8_192 },
  { model: 'mistral.mistral-large-2407-v1:0', display_name: 'Mistral Large (24.07)', input: 3_000_000, output: 9_000_000, cache_write: 0, cache_read: 0, context_window_tokens: 128_000, output_tokens_max: 8_192 },
];

export function seedModelPrices(): ModelPrice[] {
  return LIST_PRICES_USD.map((p) => ({
    model: p.model,
    display_name: p.display_name,
    input_micros_per_mtok: usdToEurMicros(p.input),
    output_micros_per_mtok: usdToEurMicros(p.output),
    cache_read_micros_per_mtok: usdToEurMicros(p.cache_read),
    cache_write_micros_per_mtok: usdToEurMicros(p.cache_write),
    margin_bps: SEED_MARGIN_BPS,
    context_window_tokens: p.context_window_tokens,
    output_tokens_max: p.output_tokens_max,
  }));
}

export function seedPriceVersion(): PriceVersionInput {
  return {
    effective_from: SEED_EFFECTIVE_FROM,
    note: `Bedrock on-demand list prices at 0.92 EUR per USD, ${SEED_MARGIN_BPS} bps margin`,
    models: seedModelPrices(),
  };
}
