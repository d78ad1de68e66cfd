// Pricing: turning token counts into micro-EUR with one explicit rounding (up, in the wallet's
// disfavour by at most one micro per call), and the worst-case amount a hold must reserve.
import { z } from 'zod';
import { AMOUNT_MICROS_MAX, divCeil, toMicros } from './money';

const TOKENS_PER_MTOK = 1_000_000n;
const BPS_PER_UNIT = 10_000n;

/** Prices are micro-EUR per million tokens (integers): 2.76 EUR / Mtok is 2_760_000. */
const pricePerMtok = z.number().int().min(0).max(AMOUNT_MICROS_MAX);

export const ModelPriceSchema = z.object({
  model: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._:~/-]+$/),
  display_name: z.string().min(1).max(128),
  input_micros_per_mtok: pricePerMtok,
  output_micros_per_mtok: pricePerMtok,
  cache_read_micros_per_mtok: pricePerMtok,
  cache_write_micros_per_mtok: pricePerMtok,
  /** fleeex's margin on top of the provider's price, in basis points (1000 = 10%). */
  margin_bps: z.number().int().min(0).max(100_000),
  context_window_tokens: z.number().int().min(1).max(10_000_000),
  output_tokens_max: z.number().int().min(1).max(1_000_000),
});
export type ModelPrice = z.infer<typeof ModelPriceSchema>;

export const PriceVersionInputSchema = z.object({
  /** When this version starts to apply (ISO 8601, UTC). Holds price with the newest version in effect. */
  effective_from: z.iso.datetime(),
  note: z.string().max(500).default(''),
  models: z
    .array(ModelPriceSchema)
    .min(1)
    .max(500)
    .refine((models) => new Set(models.map((m) => m.model)).size === models.length, 'model ids must be unique'),
});
export type PriceVersionInput = z.infer<typeof PriceVersionInputSchema>;

export const PriceVersionSchema = PriceVersionInputSchema.extend({
  version: z.number().int().min(1),
  created_at: z.iso.datetime(),
});
export type PriceVersion = z.infer<typeof PriceVersionSchema>;

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
  cache_write_input_tokens?: number;
}

export interface PricedUsage {
  /** What the wallet owes: provider cost plus margin, rounded up once. */
  cost_micros: number;
  /** The provider's list price for the same tokens, rounded up. */
  provider_cost_micros: number;
  /** cost - provider cost; never negative. */
  margin_micros: number;
}

function rawCost(price: ModelPrice, usage: TokenUsage): bigint {
  return (
    BigInt(usage.input_tokens) * BigInt(price.input_micros_per_mtok) +
    BigInt(usage.output_tokens) * BigInt(price.output_micros_per_mtok) +
    BigInt(usage.cache_read_input_tokens ?? 0) * BigInt(price.cache_read_micros_per_mtok) +
    BigInt(usage.cache_write_input_tokens ?? 0) * BigInt(price.cache_write_micros_per_mtok)
  );
}

function assertTokenCount(value: number | undefined, what: string): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
    throw new RangeError(`${what} must be a non-negative integer: ${value}`);
  }
}

/**
 * Prices a call. Rounding: the exact cost (a rational number of micros) is rounded up once, after
 * the margin is applied, so a call is never charged more than 1 micro above its exact price.
 */
export function priceUsage(price: ModelPrice, usage: TokenUsage): PricedUsage {
  assertTokenCount(usage.input_tokens, 'input_tokens');
  assertTokenCount(usage.output_tokens, 'output_tokens');
  assertTokenCount(usage.cache_read_input_tokens, 'cache_read_input_tokens');
  assertTokenCount(usage.cache_write_input_tokens, 'cache_write_input_tokens');
  const raw = rawCost(price, usage);
  const provider = divCeil(raw, TOKENS_PER_MTOK);
  const cost = divCeil(raw * (BPS_PER_UNIT + BigInt(price.margin_bps)), TOKENS_PER_MTOK * BPS_PER_UNIT);
  return {
    cost_micros: toMicros(cost, 'cost'),
    provider_cost_micros: toMicros(provider, 'provider cost'),
    margin_micros: toMicros(cost - provider, 'margin'),
  };
}

/**
 * tiktoken is not the model's tokenizer, so the input estimate is padded before a hold reserves it:
 * +25% and a fixed 64 tokens for the chat template. Capture always uses the provider's real count;
 * when real usage exceeds the hold, the ledger takes what the wallet has and writes off the rest.
 */
export const INPUT_ESTIMATE_MARGIN_BPS = 2_500;
export const INPUT_ESTIMATE_OVERHEAD_TOKENS = 64;

/** The fewest output tokens a call must be able to pay for; below this a hold is refused. */
export const OUTPUT_TOKENS_MIN_AFFORDABLE = 16;

export function boundedInputTokens(inputTokensEstimate: number): number {
  assertTokenCount(inputTokensEstimate, 'input_tokens_estimate');
  const padded = divCeil(BigInt(inputTokensEstimate) * (BPS_PER_UNIT + BigInt(INPUT_ESTIMATE_MARGIN_BPS)), BPS_PER_UNIT);
  return Number(padded) + INPUT_ESTIMATE_OVERHEAD_TOKENS;
}

/** The input rate a hold reserves at: the dearer of plain input and cache write. */
function worstInputRate(price: ModelPrice): bigint {
  return BigInt(Math.max(price.input_micros_per_mtok, price.cache_write_micros_per_mtok));
}

/** Worst-case cost of a call: padded input at the dearest input rate plus every allowed output token. */
export function holdAmountMicros(price: ModelPrice, inputTokensEstimate: number, outputTokensMax: number): number {
  assertTokenCount(outputTokensMax, 'output_tokens_max');
  const raw =
    BigInt(boundedInputTokens(inputTokensEstimate)) * worstInputRate(price) +
    BigInt(outputTokensMax) * BigInt(price.output_micros_per_mtok);
  return toMicros(divCeil(raw * (BPS_PER_UNIT + BigInt(price.margin_bps)), TOKENS_PER_MTOK * BPS_PER_UNIT), 'hold');
}

/**
 * The largest output token count whose worst-case hold fits in `availableMicros`, capped at
 * `outputTokensRequested`; 0 when not even the input fits. Exact (no search): ceil(X / D) <= A iff X <= A * D.
 */
export function affordableOutputTokens(
  price: ModelPrice,
  inputTokensEstimate: number,
  outputTokensRequested: number,
  availableMicros: number,
): number {
  if (availableMicros <= 0) return 0;
  const scale = BPS_PER_UNIT + BigInt(price.margin_bps);
  const budget = BigInt(availableMicros) * TOKENS_PER_MTOK * BPS_PER_UNIT;
  const inputPart = BigInt(boundedInputTokens(inputTokensEstimate)) * worstInputRate(price) * scale;
  if (inputPart > budget) return 0;
  const perOutputToken = BigInt(price.output_micros_per_mtok) * scale;
  if (perOutputToken === 0n) return outputTokensRequested;
  const fits = (budget - inputPart) / perOutputToken; // floor: both operands are non-negative
  return fits >= BigInt(outputTokensRequested) ? outputTokensRequested : Number(fits);
}

/** The version in effect at `at`: the highest version whose effective_from is not in the future. */
export function priceVersionInEffect(versions: readonly PriceVersion[], at: Date): PriceVersion | undefined {
  let best: PriceVersion | undefined;
  for (const version of versions) {
    if (Date.parse(version.effective_from) > at.getTime()) continue;
    if (!best || version.version > best.version) best = version;
  }
  return best;
}

export function findModelPrice(version: PriceVersion, model: string): ModelPrice | undefined {
  return version.models.find((m) => m.model === model);
}
