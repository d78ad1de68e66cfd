// The model list as the OpenAI SDK expects it, from the ledger's current price table, with each
// model's EUR prices as wallets pay them (provider price plus margin, rounded up like any charge).
import { z } from '@hono/zod-openapi';
import type { CurrentPrices } from '../../../shared/contracts/ledger-internal';
import { type ModelPrice, priceUsage } from '../../../shared/pricing';

const MTOK = 1_000_000;

export const ModelSchema = z
  .object({
    id: z.string().openapi({ example: 'anthropic.claude-3-5-haiku-20241022-v1:0' }),
    object: z.literal('model'),
    created: z.number().int(),
    owned_by: z.string(),
    display_name: z.string(),
    context_window_tokens: z.number().int(),
    output_tokens_max: z.number().int(),
    pricing: z
      .object({
        currency: z.literal('EUR'),
        price_version: z.number().int(),
        input_micros_per_mtok: z.number().int(),
        output_micros_per_mtok: z.number().int(),
        cache_read_micros_per_mtok: z.number().int(),
        cache_write_micros_per_mtok: z.number().int(),
      })
      .openapi({ description: 'What a wallet pays per million tokens, in micro-EUR, margin included.' }),
  })
  .openapi('Model');
export type Model = z.infer<typeof ModelSchema>;

export const ModelListSchema = z.object({ object: z.literal('list'), data: z.array(ModelSchema) }).openapi('ModelList');

function perMtok(price: ModelPrice, usage: Parameters<typeof priceUsage>[1]): number {
  return priceUsage(price, usage).cost_micros;
}

export function modelOf(prices: CurrentPrices, price: ModelPrice): Model {
  return {
    id: price.model,
    object: 'model',
    created: Math.floor(Date.parse(prices.effective_from) / 1000),
    owned_by: price.model.split('.')[0] ?? 'bedrock',
    display_name: price.display_name,
    context_window_tokens: price.context_window_tokens,
    output_tokens_max: price.output_tokens_max,
    pricing: {
      currency: 'EUR',
      price_version: prices.version,
      input_micros_per_mtok: perMtok(price, { input_tokens: MTOK, output_tokens: 0 }),
      output_micros_per_mtok: perMtok(price, { input_tokens: 0, output_tokens: MTOK }),
      cache_read_micros_per_mtok: perMtok(price, { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: MTOK }),
      cache_write_micros_per_mtok: perMtok(price, { input_tokens: 0, output_tokens: 0, cache_write_input_tokens: MTOK }),
    },
  };
}
